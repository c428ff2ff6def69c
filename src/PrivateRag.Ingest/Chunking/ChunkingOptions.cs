using System.ComponentModel.DataAnnotations;
using PrivateRag.Core.Text;

namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// The <c>Ingestion:Chunking</c> section: chunk sizes in tokens as counted by the configured
/// <see cref="ITokenCounter"/>, validated at start. Values that are set must agree (MaxTokens at least TargetTokens,
/// OverlapTokens at most half of TargetTokens); values left unset follow TargetTokens, so setting only TargetTokens
/// (say 60 or 600) keeps working.
/// </summary>
public sealed class ChunkingOptions : IValidatableObject
{
    public const string Section = "Ingestion:Chunking";

    private const int DefaultOverlapTokens = 50;
    private const int DefaultMaxTokens = 512;

    /// <summary>Size a chunk is filled up to; whole paragraphs and sentences are kept together where they fit.</summary>
    [Range(1, 100_000)] public int TargetTokens { get; set; } = 350;

    /// <summary>
    /// Trailing sentences of up to this many tokens are repeated at the start of the next chunk of the same section.
    /// Unset: 50, or half of TargetTokens when that is less.
    /// </summary>
    [Range(0, 50_000)] public int? OverlapTokens { get; set; }

    /// <summary>
    /// Hard ceiling: no chunk is larger (for counters where joining text with whitespace never adds tokens).
    /// Unset: 512, or TargetTokens when that is more.
    /// </summary>
    [Range(1, 100_000)] public int? MaxTokens { get; set; }

    /// <summary>
    /// A document of at most this many tokens is one chunk, whatever TargetTokens says: a short document (an abstract,
    /// an FAQ entry, an e-mail) answers as a whole, and cutting it in two leaves each half with only part of its words.
    /// On SciFact train (abstracts, median ~360 tokens) cutting at 350 cost lexical nDCG@10 0.70 -> 0.68
    /// (docs/retrieval.md). Headings still start new chunks. Unset: MaxTokens; 0 turns it off. At most MaxTokens.
    /// </summary>
    [Range(0, 100_000)] public int? WholeDocumentTokens { get; set; }

    /// <summary>The whole-document limit the chunker uses: <see cref="WholeDocumentTokens"/>, or the ceiling.</summary>
    public int EffectiveWholeDocumentTokens => WholeDocumentTokens ?? EffectiveMaxTokens;

    /// <summary>The overlap the chunker uses: <see cref="OverlapTokens"/>, or its default for this target.</summary>
    public int EffectiveOverlapTokens => OverlapTokens ?? Math.Min(DefaultOverlapTokens, TargetTokens / 2);

    /// <summary>The ceiling the chunker uses: <see cref="MaxTokens"/>, or its default for this target.</summary>
    public int EffectiveMaxTokens => MaxTokens ?? Math.Max(DefaultMaxTokens, TargetTokens);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectiveMaxTokens < TargetTokens)
            yield return new ValidationResult(
                $"{Section}:MaxTokens ({EffectiveMaxTokens}) must be at least {Section}:TargetTokens ({TargetTokens}).", [nameof(MaxTokens)]);
        if (EffectiveWholeDocumentTokens > EffectiveMaxTokens)
            yield return new ValidationResult(
                $"{Section}:WholeDocumentTokens ({EffectiveWholeDocumentTokens}) must be at most {Section}:MaxTokens ({EffectiveMaxTokens}).", [nameof(WholeDocumentTokens)]);
        if (EffectiveOverlapTokens > TargetTokens / 2)
            yield return new ValidationResult(
                $"{Section}:OverlapTokens ({EffectiveOverlapTokens}) must be at most half of {Section}:TargetTokens ({TargetTokens}).", [nameof(OverlapTokens)]);
    }
}
