using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

public static class CollectionsApi
{
    public sealed record AccessDto(bool? Everyone, IReadOnlyList<string>? Groups, IReadOnlyList<string>? Users);
    public sealed record CreateCollectionDto(string? Name, string? Description, AccessDto? Access);
    public sealed record CollectionCreatedDto(Guid Id, string Name);
    /// <param name="Access">Who may read it: for admins only (null for readers, who need not learn who else has access).</param>
    public sealed record CollectionDto(Guid Id, string Name, string? Description, AccessDto? Access, int Documents, int Chunks);
    public sealed record UpdateCollectionDto(string? Name, string? Description);
    public sealed record DocumentPageDto(
        IEnumerable<DocumentsApi.DocumentDto> Items, int Total, int Page, int PageSize, IReadOnlyDictionary<string, int> Counts);
    public sealed record RetriedDto(int Queued);

    public static RouteGroupBuilder MapCollectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/collections").RequireAuthorization().WithTags("Collections");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/access", UpdateAccessAsync).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/documents", ListDocumentsAsync);
        // The admin pages' views: one filtered page of a large collection, retry of its failures, names to grant.
        group.MapGet("/{id:guid}/documents/page", PageDocumentsAsync).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/documents/retry-failed", RetryFailedAsync).RequireAuthorization(Policies.Admin);
        group.MapGet("/principals", async (KnownPrincipals principals, CancellationToken ct) => TypedResults.Ok(await principals.ListAsync(ct)))
            .RequireAuthorization(Policies.Admin);
        return group;
    }

    private static async Task<Ok<IEnumerable<CollectionDto>>> ListAsync(HttpContext http, CollectionService collections)
    {
        var who = await http.RequireAccessAsync();
        return TypedResults.Ok((await collections.ListReadableAsync(who, http.RequestAborted)).Select(c => ToDto(c, who)));
    }

    private static async Task<Results<Ok<CollectionDto>, NotFound>> GetAsync(Guid id, HttpContext http, CollectionService collections)
    {
        var who = await http.RequireAccessAsync();
        return await collections.FindReadableAsync(id, who, http.RequestAborted) is { } c ? TypedResults.Ok(ToDto(c, who)) : TypedResults.NotFound();
    }

    private static async Task<Created<CollectionCreatedDto>> CreateAsync(CreateCollectionDto body, CollectionService collections, CancellationToken ct)
    {
        var created = await collections.CreateAsync(new CreateCollection(body.Name ?? "", body.Description, ToRule(body.Access)), ct);
        return TypedResults.Created($"/api/collections/{created.Id}", new CollectionCreatedDto(created.Id, created.Name));
    }

    private static async Task<NoContent> UpdateAccessAsync(Guid id, AccessDto body, CollectionService collections, CancellationToken ct)
    {
        await collections.UpdateAccessAsync(id, ToRule(body), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CollectionDto>, NotFound>> UpdateAsync(
        Guid id, UpdateCollectionDto body, HttpContext http, CollectionService collections)
    {
        await collections.UpdateDetailsAsync(id, body.Name, body.Description, http.RequestAborted);
        var who = await http.RequireAccessAsync();
        return await collections.FindReadableAsync(id, who, http.RequestAborted) is { } c ? TypedResults.Ok(ToDto(c, who)) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, HttpContext http, CollectionRemoval removal) =>
        await removal.DeleteAsync(id, await http.RequireAccessAsync(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<DocumentPageDto>> PageDocumentsAsync(
        Guid id, HttpContext http, DocumentService documents, string? status = null, string? name = null, int page = 1, int pageSize = 25)
    {
        DocumentStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            wanted = Enum.TryParse<DocumentStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed : throw new InvalidRequestException("status is one of queued, processing, indexed, failed.");
        }
        var result = await documents.QueryAsync(id, new DocumentQuery(wanted, name, page, pageSize), await http.RequireAccessAsync(), http.RequestAborted);
        return TypedResults.Ok(new DocumentPageDto(result.Items.Select(DocumentsApi.ToDto), result.Total, result.Page, result.PageSize,
            Enum.GetValues<DocumentStatus>().ToDictionary(DocumentsApi.StatusText, result.CountOf)));
    }

    private static async Task<Accepted<RetriedDto>> RetryFailedAsync(Guid id, HttpContext http, DocumentService documents) =>
        TypedResults.Accepted($"/api/collections/{id}/documents", new RetriedDto(await documents.RetryFailedAsync(id, await http.RequireAccessAsync(), http.RequestAborted)));

    private static async Task<Ok<IEnumerable<DocumentsApi.DocumentDto>>> ListDocumentsAsync(Guid id, HttpContext http, DocumentService documents) =>
        TypedResults.Ok((await documents.ListAsync(id, await http.RequireAccessAsync(), http.RequestAborted)).Select(DocumentsApi.ToDto));

    private static CollectionAccessRule ToRule(AccessDto? a) => new(a?.Everyone ?? false, a?.Groups, a?.Users);

    private static CollectionDto ToDto(CollectionSummary c, AccessContext who) =>
        new(c.Id, c.Name, c.Description, who.IsAdmin ? new AccessDto(c.Access.Everyone, c.Access.Groups, c.Access.Users) : null, c.Documents, c.Chunks);
}
