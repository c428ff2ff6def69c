namespace PrivateRag.Core.Documents;

/// <summary>
/// One file format PrivateRag knows: the extensions that name it (lower case, with the dot; "" for a name without
/// one), the media type stored and served with its documents, and whether uploads take it by default.
/// </summary>
/// <remarks>Compared by reference: each format is one of the instances in <see cref="FileFormats"/>.</remarks>
public sealed class FileFormat
{
    internal FileFormat(string name, string mediaType, IReadOnlyList<string> extensions, bool allowedForUpload = true)
    {
        Name = name;
        MediaType = mediaType;
        Extensions = extensions;
        AllowedForUpload = allowedForUpload;
    }

    /// <summary>What an admin calls it (log and error messages).</summary>
    public string Name { get; }

    public string MediaType { get; }

    public IReadOnlyList<string> Extensions { get; }

    /// <summary>In the default of <c>Uploads:AllowedExtensions</c>.</summary>
    public bool AllowedForUpload { get; }

    public override string ToString() => Name;
}

/// <summary>
/// The formats table: the one place that says which extensions exist, which media type each has and which uploads
/// take. The upload check and the upload page read it through <see cref="UploadOptions"/> (its default), documents
/// get their media type from it, and Ingest's reader registry maps its formats to readers.
/// </summary>
public static class FileFormats
{
    /// <summary>The media type of a name no format claims (and of names without an extension: no type is known).</summary>
    public const string UnknownMediaType = "application/octet-stream";

    public static FileFormat Pdf { get; } = new("PDF", "application/pdf", [".pdf"]);

    public static FileFormat Docx { get; } = new("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"]);

    public static FileFormat Pptx { get; } = new("PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation", [".pptx"]);

    public static FileFormat Xlsx { get; } = new("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"]);

    public static FileFormat Html { get; } = new("HTML page", "text/html", [".html", ".htm"]);

    public static FileFormat Csv { get; } = new("CSV file", "text/csv", [".csv"]);

    /// <summary>Its own IANA type, not text/csv: the stored media type says what the bytes are (the CSV reader guesses the delimiter).</summary>
    public static FileFormat Tsv { get; } = new("TSV file", "text/tab-separated-values", [".tsv"]);

    public static FileFormat PlainText { get; } = new("text file", "text/plain", [".txt"]);

    public static FileFormat Markdown { get; } = new("Markdown file", "text/markdown", [".md", ".markdown"]);

    /// <summary>README, LICENSE, BEIR records named by their <c>_id</c>: read as plain text, stored without a known type.</summary>
    public static FileFormat NoExtension { get; } = new("file without an extension", UnknownMediaType, [""]);

    /// <summary>Every format, in the order uploads list them.</summary>
    public static IReadOnlyList<FileFormat> All { get; } = [Pdf, Docx, Pptx, Xlsx, Html, Csv, Tsv, PlainText, Markdown, NoExtension];

    /// <summary>The extensions uploads take by default, in table order ("" = no extension).</summary>
    public static IReadOnlyList<string> UploadExtensions { get; } = [.. All.Where(f => f.AllowedForUpload).SelectMany(f => f.Extensions)];

    private static readonly Dictionary<string, FileFormat> ByExtension =
        All.SelectMany(f => f.Extensions.Select(e => (Extension: e, Format: f))).ToDictionary(p => p.Extension, p => p.Format, StringComparer.Ordinal);

    /// <summary>The extension as every check compares it: <see cref="Path.GetExtension(string)"/>, lower case.</summary>
    public static string ExtensionOf(string? fileName) => Path.GetExtension(fileName ?? "").ToLowerInvariant();

    /// <summary>The format a file name has, or null when no format claims its extension.</summary>
    public static FileFormat? Find(string? fileName) => ByExtension.GetValueOrDefault(ExtensionOf(fileName));

    public static string MediaTypeOf(string? fileName) => Find(fileName)?.MediaType ?? UnknownMediaType;
}
