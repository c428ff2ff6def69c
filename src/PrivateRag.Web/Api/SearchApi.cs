using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Retrieval;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

public static class SearchApi
{
    public sealed record SearchDto(string? Query, IReadOnlyList<Guid>? CollectionIds, int? Top);
    public sealed record SearchHitDto(string ChunkId, Guid DocumentId, string DocumentName, Guid CollectionId, int Page, int PageEnd, string? Heading, double Score, string Text);
    public sealed record SearchResultsDto(IReadOnlyList<SearchHitDto> Results, string Mode);

    public static RouteHandlerBuilder MapSearchApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/search", SearchAsync).RequireAuthorization().WithTags("Search");

    private static async Task<Ok<SearchResultsDto>> SearchAsync(SearchDto body, HttpContext http, CollectionAccess access, IRetriever retriever)
    {
        var query = body.Query?.Trim() ?? "";
        if (query.Length == 0) throw new InvalidRequestException("'query' is required.");
        var top = body.Top ?? 10;
        if (top is < 1 or > 100) throw new InvalidRequestException("'top' must be between 1 and 100.");
        var scope = await access.FilterAsync(await http.RequireAccessAsync(), body.CollectionIds, http.RequestAborted);
        var results = scope.CollectionIds.Count == 0 ? [] : await retriever.SearchAsync(new SearchRequest(query, scope, top), http.RequestAborted);
        return TypedResults.Ok(new SearchResultsDto(
            results.Select(r => new SearchHitDto(r.Chunk.Id, r.Chunk.DocumentId, r.Chunk.DocumentName, r.Chunk.CollectionId,
                CitedSpan.PageFor(r.Chunk, query), r.Chunk.PageEnd, r.Chunk.HeadingPath, r.Score, r.Chunk.Text)).ToList(),
            retriever.IsHybrid ? "hybrid" : "lexical"));
    }
}
