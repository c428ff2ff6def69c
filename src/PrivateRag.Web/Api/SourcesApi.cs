using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Sources;
using PrivateRag.Web.PageImages;

namespace PrivateRag.Web.Api;

/// <summary>
/// What the source viewer needs: a cited passage in its surrounding text, and the original document shown in the
/// browser (PDFs open at a page with <c>#page=N</c>). Both go through <see cref="DocumentService"/>'s access check: a
/// document of a collection the caller may not read is "not found".
/// </summary>
public static class SourcesApi
{
    public sealed record PassageDto(
        Guid DocumentId, string DocumentName, Guid CollectionId, string MediaType, int Page, int PageEnd, string? Heading,
        string Before, string Passage, string After, bool MoreBefore, bool MoreAfter, string OriginalUrl);

    /// <summary>Types the browser may show in place; anything else is downloaded.</summary>
    private static readonly HashSet<string> InlineTypes = new(StringComparer.OrdinalIgnoreCase) { "application/pdf", "text/plain" };

    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/documents").RequireAuthorization().WithTags("Sources");
        group.MapGet("/{id:guid}/passage", GetPassageAsync);
        group.MapGet("/{id:guid}/view", ViewAsync);
        group.MapGet("/{id:guid}/pages/{page:int}.png", PageImageAsync);
        return routes;
    }

    /// <summary><c>GET /api/documents/{id}/passage?chunkId=..&amp;start=..&amp;end=..</c>: the cited passage with the text around it.</summary>
    private static async Task<Results<Ok<PassageDto>, NotFound>> GetPassageAsync(
        Guid id, string? chunkId, int? start, int? end, HttpContext http, DocumentService documents, IChunkIndex index)
    {
        var who = await http.RequireAccessAsync();
        var context = await SourceContext.LoadAsync(documents, index, who, id, chunkId, start ?? 0, end ?? 0, snippet: null, http.RequestAborted);
        if (context is null) return TypedResults.NotFound();
        var d = context.Document;
        return TypedResults.Ok(new PassageDto(
            d.Id, d.Name, d.CollectionId, d.MediaType, context.Page, context.PageEnd, context.Heading,
            context.Before, context.Passage, context.After, context.MoreBefore, context.MoreAfter, context.OriginalUrl));
    }

    /// <summary>
    /// <c>GET /api/documents/{id}/pages/{n}.png</c>: page n of a PDF as an image (<see cref="PageImageRenderer"/>). The
    /// access check runs on every request, before the cache; unknown, unreadable, not a PDF or no such page: 404.
    /// A page that cannot be rendered (damaged, encrypted, too slow): 422 with the reason.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> PageImageAsync(
        Guid id, int page, HttpContext http, DocumentService documents, PageImageRenderer renderer)
    {
        var who = await http.RequireAccessAsync();
        if (await documents.FindReadableAsync(id, who, http.RequestAborted) is not { } document) return TypedResults.NotFound();
        if (!IsPdf(document) || page < 1 || (document.Pages > 0 && page > document.Pages)) return TypedResults.NotFound();
        var image = await renderer.RenderAsync(document, page, async ct =>
            await documents.OpenReadableAsync(id, who, ct) is { } file ? file.Content : null, http.RequestAborted);
        if (image.Png is null)
            return TypedResults.Problem(image.Problem, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Page cannot be rendered");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // Per user only: a shared proxy must never hand one user's page to another.
        http.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.File(image.Png, "image/png");
    }

    internal static bool IsPdf(DocumentInfo d) =>
        d.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase) || d.Name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

    /// <summary>The original bytes for the browser to show in place (PDF, text); other types download.</summary>
    private static async Task<Results<FileStreamHttpResult, NotFound>> ViewAsync(Guid id, HttpContext http, DocumentService documents)
    {
        if (await documents.OpenReadableAsync(id, await http.RequireAccessAsync(), http.RequestAborted) is not { } file)
            return TypedResults.NotFound();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var inline = InlineTypes.Contains(file.Info.MediaType);
        if (inline)
        {
            http.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("inline")
            {
                FileNameStar = file.Info.Name,
            }.ToString();
            return TypedResults.File(file.Content, file.Info.MediaType, enableRangeProcessing: true);
        }
        return TypedResults.File(file.Content, file.Info.MediaType, file.Info.Name, enableRangeProcessing: true);
    }
}
