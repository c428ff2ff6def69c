namespace PrivateRag.Core.Indexing;

/// <summary>
/// An index that fuses lexical and dense search itself, in one request (Qdrant's Query API: two prefetches and
/// reciprocal-rank fusion). <see cref="Retrieval.HybridRetriever"/> uses it when the index offers it and fuses
/// client-side otherwise.
/// </summary>
public interface IHybridChunkIndex
{
    /// <summary>Both searches under the same filter, fused by reciprocal rank; each search contributes <paramref name="candidates"/>.</summary>
    Task<IReadOnlyList<ChunkHit>> SearchHybridAsync(string query, ReadOnlyMemory<float> vector, IndexFilter filter, int candidates, int top,
        CancellationToken ct = default);
}
