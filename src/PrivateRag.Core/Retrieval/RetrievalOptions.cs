using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Retrieval;

/// <summary>Retrieval settings, section <c>Retrieval</c>; validated at start.</summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>How many hits each retriever (lexical, dense) contributes before fusion.</summary>
    [Range(1, 1000)]
    public int CandidatesPerRetriever { get; set; } = 50;

    /// <summary>The k of reciprocal-rank fusion: score = sum over retrievers of 1 / (k + rank).</summary>
    [Range(1, 10_000)]
    public int RrfK { get; set; } = 60;

    /// <summary>
    /// Lexical hits with a raw BM25 score (higher is better, as returned by the index) below this are dropped
    /// before fusion. 0 keeps every hit that matched a query term.
    /// </summary>
    [Range(0.0, double.MaxValue)]
    public double MinLexicalScore { get; set; }

    /// <summary>
    /// How many of the fused results a configured reranker (<c>Models:Reranker</c>) re-scores, best first; at least the
    /// requested number of results is always re-scored. 0 turns reranking off.
    /// </summary>
    [Range(0, 200)]
    public int RerankCandidates { get; set; } = 24;

    /// <summary>How many results a search returns when the request does not say.</summary>
    [Range(1, 200)]
    public int Top { get; set; } = 8;
}
