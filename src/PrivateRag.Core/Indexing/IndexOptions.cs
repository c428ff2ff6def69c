using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Indexing;

public enum IndexProvider { Embedded, Qdrant }

/// <summary>The <c>Index</c> section: which chunk index the app uses.</summary>
public sealed class IndexOptions
{
    public const string Section = "Index";

    /// <summary>Read when services are registered (it decides which index exists), and validated then.</summary>
    [EnumDataType(typeof(IndexProvider), ErrorMessage = "Index:Provider must be Embedded or Qdrant.")]
    public IndexProvider Provider { get; set; } = IndexProvider.Embedded;
}
