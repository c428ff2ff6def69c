using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

public static class DocumentsApi
{
    public sealed record DocumentDto(
        Guid Id, string Name, Guid CollectionId, string Status, string? Stage, double Progress, string? FailureReason,
        string? Error, int Pages, int Chunks, long SizeBytes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record UploadedDto(Guid Id, string Name, string Status, bool Duplicate, string? Error);

    public sealed record ChunkDto(
        string Id, int Ordinal, int PageStart, int PageEnd, string? HeadingPath, int CharStart, int CharEnd, int Tokens, string Text);

    /// <summary>
    /// A document's own access: <c>inherits</c> true when it follows its collection; otherwise only these users and
    /// groups (who must also read the collection) see it.
    /// </summary>
    public sealed record DocumentAccessDto(Guid DocumentId, bool Inherits, IReadOnlyList<string> Users, IReadOnlyList<string> Groups);

    public sealed record SetDocumentAccessDto(IReadOnlyList<string>? Users, IReadOnlyList<string>? Groups);

    public sealed record DocumentChunksDto(DocumentDto Document, string Text, int TextGaps, IEnumerable<ChunkDto> Chunks);

    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/collections/{id:guid}/documents", UploadAsync)
            .RequireAuthorization(Policies.Admin).WithTags("Documents")
            // Streamed multipart, read section by section; API clients send no antiforgery token (cookies are SameSite=Strict).
            .DisableAntiforgery();

        var group = routes.MapGroup("/api/documents").RequireAuthorization().WithTags("Documents");
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/content", DownloadAsync);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/reindex", ReindexAsync).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/chunks", ChunksAsync).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/access", GetAccessAsync).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/access", SetAccessAsync).RequireAuthorization(Policies.Admin);
        group.MapDelete("/{id:guid}/access", ClearAccessAsync).RequireAuthorization(Policies.Admin);
        return routes;
    }

    /// <summary>Streams each <c>file</c> part of a multipart body into the blob store without buffering whole files.</summary>
    private static async Task<Results<Accepted<List<UploadedDto>>, BadRequest<string>>> UploadAsync(
        Guid id, HttpContext http, DocumentService documents, IOptions<UploadOptions> uploads)
    {
        var who = await http.RequireAccessAsync();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = uploads.Value.MaxRequestBytes;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
            throw new InvalidRequestException("Send the files as multipart/form-data with one or more 'file' parts.");

        var reader = new MultipartReader(boundary, http.Request.Body);
        var results = new List<UploadedDto>();
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                !disposition.IsFileDisposition() || disposition.Name.Value?.Trim('"') != "file")
                continue;
            var fileName = disposition.FileNameStar.Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
            var result = await documents.UploadAsync(id, fileName, section.Body, who, http.RequestAborted);
            results.Add(new UploadedDto(result.Document.Id, result.Document.Name, StatusText(result.Document.Status), result.Duplicate, result.Document.Error));
        }
        if (results.Count == 0) throw new InvalidRequestException("The request has no 'file' part.");
        return TypedResults.Accepted($"/api/collections/{id}/documents", results);
    }

    private static async Task<Results<Ok<DocumentDto>, NotFound>> GetAsync(Guid id, HttpContext http, DocumentService documents) =>
        await documents.FindReadableAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } d
            ? TypedResults.Ok(ToDto(d)) : TypedResults.NotFound();

    private static async Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(Guid id, HttpContext http, DocumentService documents) =>
        await documents.OpenReadableAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } file
            ? TypedResults.File(file.Content, file.Info.MediaType, file.Info.Name, enableRangeProcessing: true)
            : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, HttpContext http, DocumentService documents) =>
        await documents.DeleteAsync(id, await http.RequireAccessAsync(), http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Accepted<DocumentDto>> ReindexAsync(Guid id, HttpContext http, DocumentService documents)
    {
        var doc = await documents.ReindexAsync(id, await http.RequireAccessAsync(), http.RequestAborted);
        return TypedResults.Accepted($"/api/documents/{id}", ToDto(doc));
    }

    /// <summary>What ingestion made of the document: its chunks as the index holds them, and the text rebuilt from them.</summary>
    private static async Task<Results<Ok<DocumentChunksDto>, NotFound>> ChunksAsync(Guid id, HttpContext http, DocumentInspector inspector) =>
        await inspector.GetAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } d
            ? TypedResults.Ok(new DocumentChunksDto(ToDto(d.Document), d.Text, d.TextGaps, d.Chunks.Select(c =>
                new ChunkDto(c.Id, c.Ordinal, c.PageStart, c.PageEnd, c.HeadingPath, c.CharStart, c.CharEnd, c.Tokens, c.Text))))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<DocumentAccessDto>, NotFound>> GetAccessAsync(Guid id, HttpContext http, DocumentService documents) =>
        await documents.GetAccessAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is { } found
            ? TypedResults.Ok(ToAccessDto(id, found.Access)) : TypedResults.NotFound();

    /// <summary><c>PUT /api/documents/{id}/access</c> <c>{users, groups}</c>: narrows the document to them (no re-embedding).</summary>
    private static async Task<Ok<DocumentAccessDto>> SetAccessAsync(Guid id, SetDocumentAccessDto body, HttpContext http, DocumentService documents)
    {
        var rule = new DocumentAccessRule(body.Users ?? [], body.Groups ?? []);
        var set = await documents.SetAccessAsync(id, rule, await http.RequireAccessAsync(), http.RequestAborted);
        return TypedResults.Ok(ToAccessDto(id, set));
    }

    /// <summary><c>DELETE /api/documents/{id}/access</c>: the document follows its collection's access again.</summary>
    private static async Task<NoContent> ClearAccessAsync(Guid id, HttpContext http, DocumentService documents)
    {
        await documents.SetAccessAsync(id, null, await http.RequireAccessAsync(), http.RequestAborted);
        return TypedResults.NoContent();
    }

    public static DocumentAccessDto ToAccessDto(Guid id, DocumentAccessRule? rule) =>
        new(id, rule is null, rule?.Users ?? [], rule?.Groups ?? []);

    public static string StatusText(DocumentStatus status) => status.ToString().ToLowerInvariant();

    public static DocumentDto ToDto(DocumentInfo d) => new(
        d.Id, d.Name, d.CollectionId, StatusText(d.Status), d.Stage, d.Progress,
        d.FailureReason == RejectReason.None ? null : d.FailureReason.ToString(), d.Error, d.Pages, d.Chunks, d.SizeBytes, d.CreatedAt, d.UpdatedAt);
}
