using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Indexing.Qdrant;

/// <summary>The <c>Index:Qdrant</c> section, used when <c>Index:Provider</c> is <c>Qdrant</c>.</summary>
public sealed class QdrantIndexOptions
{
    public const string Section = "Index:Qdrant";

    /// <summary>The gRPC endpoint, e.g. <c>http://localhost:6334</c>.</summary>
    [Required]
    public Uri? Url { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The Qdrant collection holding every PrivateRag chunk (PrivateRag collections are a payload field).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$")]
    public string Collection { get; set; } = "privaterag_chunks";

    /// <summary>
    /// The dense vector size. When unset, the Qdrant collection is created on the first write with the size of
    /// its vectors (or without a dense vector when that write has none).
    /// </summary>
    [Range(1, 65_536)]
    public int? Dimensions { get; set; }

    /// <summary>Points per upsert request.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Retries of a request that failed with a transient gRPC status (unavailable, deadline, aborted, resource exhausted).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
