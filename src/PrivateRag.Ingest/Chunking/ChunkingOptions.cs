using PrivateRag.Core.Text;

namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// Chunk sizes in tokens as counted by the configured <see cref="ITokenCounter"/>. Out-of-range values are
/// clamped when chunking: TargetTokens at least 1, MaxTokens at least TargetTokens, OverlapTokens between 0 and
/// half of TargetTokens.
/// </summary>
public sealed class ChunkingOptions
{
    public const string Section = "Ingestion:Chunking";

    /// <summary>Size a chunk is filled up to; whole paragraphs and sentences are kept together where they fit.</summary>
    public int TargetTokens { get; set; } = 350;

    /// <summary>Trailing sentences of up to this many tokens are repeated at the start of the next chunk of the same section.</summary>
    public int OverlapTokens { get; set; } = 50;

    /// <summary>Hard ceiling: no chunk is larger (for counters where joining text with whitespace never adds tokens).</summary>
    public int MaxTokens { get; set; } = 512;
}
