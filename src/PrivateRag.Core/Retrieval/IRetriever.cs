using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Retrieval;

/// <summary>A search over the collections the caller may read. <paramref name="Top"/> &lt;= 0 means the configured default.</summary>
/// <param name="Readers">The caller's reader tokens (<see cref="Indexing.IndexFilter.Readers"/>): null only for administrators
/// and the operator; build the request from <see cref="Access.CollectionAccess.FilterAsync"/> for a caller.</param>
public sealed record SearchRequest(string Query, IReadOnlyCollection<Guid> CollectionIds, int Top = 8, IReadOnlyCollection<string>? Readers = null)
{
    public SearchRequest(string query, Indexing.IndexFilter filter, int top)
        : this(query, (filter ?? throw new ArgumentNullException(nameof(filter))).CollectionIds, top, filter.Readers)
    {
    }
}

/// <summary>
/// One passage found. <see cref="Score"/> orders results and is only comparable within one search: for a hybrid
/// search it is the fused score (<c>Retrieval:Fusion</c>: the weighted sum of the two lists' z-scores, or with Rrf the
/// sum of 1 / (RrfK + rank) over the retrievers that found the chunk); for a lexical-only search it is the BM25 score divided by the best BM25 score of this search (the
/// best hit is 1.0); when a reranker re-scored the results it is the reranker's score (0-1). <see cref="LexicalScore"/>
/// is the raw BM25 score and <see cref="DenseScore"/> the cosine similarity, each null when that retriever did not
/// return the chunk; <see cref="RerankScore"/> is null when no reranker ran.
/// </summary>
public sealed record SearchResult(IndexedChunk Chunk, double Score, double? LexicalScore, double? DenseScore, double? RerankScore = null);

public interface IRetriever
{
    /// <summary>True when an embedding generator is available, so searches combine lexical and dense results.</summary>
    bool IsHybrid { get; }

    Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken ct = default);
}
