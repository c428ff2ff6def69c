namespace PrivateRag.Core.Indexing;

public enum IndexProvider { Embedded, Qdrant }

/// <summary>The <c>Index</c> section: which chunk index the app uses.</summary>
public sealed class IndexOptions
{
    public const string Section = "Index";

    public IndexProvider Provider { get; set; } = IndexProvider.Embedded;
}
