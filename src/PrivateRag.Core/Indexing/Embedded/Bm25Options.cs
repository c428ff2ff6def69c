using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// The <c>Index:Bm25</c> section: the lexical ranking of the embedded index (see <see cref="Bm25Scorer"/>), validated at
/// start. The defaults were chosen on the SciFact train split through the ingestion pipeline (docs/retrieval.md).
/// </summary>
public sealed class Bm25Options
{
    public const string Section = "Index:Bm25";

    /// <summary>Term-frequency saturation: how quickly more occurrences of a word stop adding to a passage's score.</summary>
    [Range(0.01, 10.0)] public double K1 { get; set; } = 1.2;

    /// <summary>Length normalisation: 0 ignores a passage's length, 1 divides its term frequencies fully by it.</summary>
    [Range(0.0, 1.0)] public double B { get; set; } = 0.75;

    /// <summary>Weight of an occurrence in the passage's own text.</summary>
    [Range(0.0, 100.0)] public double TextWeight { get; set; } = 1.0;

    /// <summary>Weight of an occurrence in the passage's heading path.</summary>
    [Range(0.0, 100.0)] public double HeadingWeight { get; set; } = 0.8;

    /// <summary>
    /// Weight of an occurrence in the document's name and context (title and cover, indexed with every chunk of a
    /// multi-chunk document). Weighted up as a document-level prior: on the 10-Q question set (extractive answers citing a
    /// right filing) 0.5 gave 46.7%, 1.5 49.7%, 3.0 51.8%, 5.0 54.4%; 3.0 so a title match does not drown the passage.
    /// </summary>
    [Range(0.0, 100.0)] public double DocumentWeight { get; set; } = 3.0;
}
