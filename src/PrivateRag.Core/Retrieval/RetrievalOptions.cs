using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Retrieval;

/// <summary>Retrieval settings, section <c>Retrieval</c>; validated at start.</summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>How many hits each retriever (lexical, dense) contributes before fusion.</summary>
    [Range(1, 1000)]
    public int CandidatesPerRetriever { get; set; } = 50;

    /// <summary>How lexical and dense results are combined (see <see cref="RankFusion"/>).</summary>
    [EnumDataType(typeof(FusionMethod), ErrorMessage = "Retrieval:Fusion must be ZScore or Rrf.")]
    public FusionMethod Fusion { get; set; } = FusionMethod.ZScore;

    /// <summary>Weight of the lexical z-score in <see cref="FusionMethod.ZScore"/> fusion.</summary>
    [Range(0.0, 100.0)]
    public double LexicalWeight { get; set; } = 1.0;

    /// <summary>Weight of the dense z-score in <see cref="FusionMethod.ZScore"/> fusion.</summary>
    [Range(0.0, 100.0)]
    public double DenseWeight { get; set; } = 1.0;

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

/// <summary>How hybrid retrieval combines its two lists.</summary>
public enum FusionMethod
{
    /// <summary>Weighted sum of each list's z-scores (<see cref="RankFusion.FuseScores"/>).</summary>
    ZScore,

    /// <summary>Reciprocal-rank fusion (<see cref="RankFusion.Fuse"/>).</summary>
    Rrf,
}
