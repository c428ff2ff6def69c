using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

public static class CollectionsApi
{
    public sealed record AccessDto(bool? Everyone, IReadOnlyList<string>? Groups, IReadOnlyList<string>? Users);
    public sealed record CreateCollectionDto(string? Name, string? Description, AccessDto? Access);
    public sealed record CollectionCreatedDto(Guid Id, string Name);
    public sealed record CollectionDto(Guid Id, string Name, string? Description, AccessDto Access, int Documents, int Chunks);

    public static RouteGroupBuilder MapCollectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/collections").RequireAuthorization().WithTags("Collections");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/access", UpdateAccessAsync).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/documents", ListDocumentsAsync);
        return group;
    }

    private static async Task<Ok<IEnumerable<CollectionDto>>> ListAsync(HttpContext http, CollectionService collections) =>
        TypedResults.Ok((await collections.ListReadableAsync(await http.RequireAccessAsync(), http.RequestAborted)).Select(ToDto));

    private static async Task<Results<Ok<CollectionDto>, NotFound>> GetAsync(Guid id, HttpContext http, CollectionService collections) =>
        await collections.FindReadableAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } c
            ? TypedResults.Ok(ToDto(c)) : TypedResults.NotFound();

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

    private static async Task<Ok<IEnumerable<DocumentsApi.DocumentDto>>> ListDocumentsAsync(Guid id, HttpContext http, DocumentService documents) =>
        TypedResults.Ok((await documents.ListAsync(id, await http.RequireAccessAsync(), http.RequestAborted)).Select(DocumentsApi.ToDto));

    private static CollectionAccessRule ToRule(AccessDto? a) => new(a?.Everyone ?? false, a?.Groups, a?.Users);

    private static CollectionDto ToDto(CollectionSummary c) =>
        new(c.Id, c.Name, c.Description, new AccessDto(c.Access.Everyone, c.Access.Groups, c.Access.Users), c.Documents, c.Chunks);
}
