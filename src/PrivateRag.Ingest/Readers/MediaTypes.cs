namespace PrivateRag.Ingest.Readers;

/// <summary>The media type stored with a document, derived from its file name.</summary>
public static class MediaTypes
{
    public const string Pdf = "application/pdf";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Html = "text/html";
    public const string Csv = "text/csv";
    public const string PlainText = "text/plain";
    public const string Markdown = "text/markdown";
    public const string OctetStream = "application/octet-stream";

    public static string FromFileName(string fileName) =>
        Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
        {
            ".pdf" => Pdf,
            ".docx" => Docx,
            ".pptx" => Pptx,
            ".xlsx" => Xlsx,
            ".html" or ".htm" => Html,
            ".csv" or ".tsv" => Csv,
            ".txt" => PlainText,
            ".md" or ".markdown" => Markdown,
            _ => OctetStream,
        };
}
