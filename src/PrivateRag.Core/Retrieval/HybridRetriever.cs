using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Retrieval;

/// <summary>
/// Lexical (BM25) search, plus dense search when an embedding generator is registered, fused by reciprocal rank,
/// with near-duplicate passages removed, then re-ordered by a cross-encoder when an <see cref="IPassageReranker"/> is
/// registered. Both searches use the same permission filter, built from the request's collections, inside the index
/// queries; the reranker only sees what they returned.
/// </summary>
public sealed class HybridRetriever(
    IChunkIndex index,
    IOptions<RetrievalOptions> options,
    ModelCapabilities models,
    ILogger<HybridRetriever> logger) : IRetriever
{
    /// <summary>Upper bound on results per search, whatever the request asks.</summary>
    public const int MaxTop = 200;

    private static readonly EmbeddingGenerationOptions QueryEmbedding = new()
    {
        AdditionalProperties = new() { ["input_type"] = "query" },
    };

    public bool IsHybrid => models.Embedder is not null;

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var top = Math.Min(request.Top > 0 ? request.Top : o.Top, MaxTop);
        if (string.IsNullOrWhiteSpace(request.Query) || request.CollectionIds is not { Count: > 0 }) return [];

        var filter = new IndexFilter(request.CollectionIds.Distinct().ToArray(), request.Readers);
        var results = await RetrieveAsync(request.Query, filter, RerankDepth(top), ct);
        return await RerankAsync(request.Query, results, top, ct);
    }

    /// <summary>How many fused results to keep: the reranker's candidates when one runs, else the requested number.</summary>
    private int RerankDepth(int top) =>
        models.Reranker is not null && options.Value.RerankCandidates > 0 ? Math.Min(Math.Max(top, options.Value.RerankCandidates), MaxTop) : top;

    private async Task<IReadOnlyList<SearchResult>> RetrieveAsync(string query, IndexFilter filter, int top, CancellationToken ct)
    {
        var o = options.Value;
        // Extra candidates leave room for the near-duplicates that are removed.
        var candidates = Math.Max(o.CandidatesPerRetriever, top * 2);

        if (index is IHybridChunkIndex serverSide && models.Embedder is not null
            && await EmbedAsync(query, ct) is { } queryVector)
        {
            // The index fuses both searches itself (one request, the filter inside each prefetch).
            var fused = await serverSide.SearchHybridAsync(query, queryVector, filter, candidates, candidates, ct);
            return RankFusion.RemoveNearDuplicates(fused.Select(h => new SearchResult(h.Chunk, h.Score, null, null)), top);
        }

        // Lexical search runs on the thread pool while the query is embedded (SQLite calls are synchronous).
        var lexicalTask = Task.Run(() => index.SearchLexicalAsync(query, filter, candidates, ct), ct);
        var dense = await SearchDenseAsync(query, filter, candidates, ct);
        var lexical = (await lexicalTask).Where(h => h.Score >= o.MinLexicalScore).ToList();

        IEnumerable<SearchResult> ranked;
        if (dense is null)
        {
            var best = lexical.Count > 0 ? lexical.Max(h => h.Score) : 0;
            ranked = lexical.Select(h => new SearchResult(h.Chunk, best > 0 ? h.Score / best : 0, h.Score, null));
        }
        else
        {
            ranked = o.Fusion == FusionMethod.Rrf
                ? RankFusion.Fuse(lexical, dense, o.RrfK)
                : RankFusion.FuseScores(lexical, dense, o.LexicalWeight, o.DenseWeight);
        }
        return RankFusion.RemoveNearDuplicates(ranked, top);
    }

    /// <summary>The results re-ordered by the reranker's scores (ties keep the fused order), the first <paramref name="top"/>.</summary>
    private async Task<IReadOnlyList<SearchResult>> RerankAsync(string query, IReadOnlyList<SearchResult> results, int top, CancellationToken ct)
    {
        if (models.Reranker is not { } reranker || options.Value.RerankCandidates <= 0 || results.Count == 0) return results.Take(top).ToList();
        try
        {
            var scores = await reranker.ScoreAsync(query, results.Select(r => r.Chunk.Text).ToList(), ct);
            if (scores.Count != results.Count)
                throw new InvalidOperationException($"The reranker returned {scores.Count} scores for {results.Count} passages.");
            return results
                .Select((r, i) => r with { Score = scores[i], RerankScore = scores[i] })
                .OrderByDescending(r => r.RerankScore)
                .Take(top)
                .ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reranking failed; answering this search in the fused order.");
            return results.Take(top).ToList();
        }
    }

    private async Task<ReadOnlyMemory<float>?> EmbedAsync(string query, CancellationToken ct)
    {
        try
        {
            return await models.Embedder!.GenerateVectorAsync(query, QueryEmbedding, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Embedding the query failed; answering this search from lexical results only.");
            return null;
        }
    }

    /// <summary>The dense hits, or null when there is no generator or the dense path failed (logged; lexical only).</summary>
    private async Task<IReadOnlyList<ChunkHit>?> SearchDenseAsync(string query, IndexFilter filter, int candidates, CancellationToken ct)
    {
        if (models.Embedder is not { } generator) return null;
        try
        {
            var vector = await generator.GenerateVectorAsync(query, QueryEmbedding, ct);
            return await index.SearchDenseAsync(vector, filter, candidates, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Dense retrieval failed; answering this search from lexical results only.");
            return null;
        }
    }
}
