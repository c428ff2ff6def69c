using System.Collections.Frozen;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Maps the formats of <see cref="FileFormats"/> to reader instances and picks the reader for a file by its
/// extension (case-insensitive), as the formats table resolves it.
/// </summary>
public sealed class DocumentReaderRegistry
{
    private readonly FrozenDictionary<FileFormat, IDocumentReader> _byFormat;

    public DocumentReaderRegistry(IEnumerable<IDocumentReader> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var map = new Dictionary<FileFormat, IDocumentReader>();
        foreach (var reader in readers)
        {
            foreach (var format in reader.Formats)
            {
                if (!map.TryAdd(format, reader))
                {
                    throw new ArgumentException(
                        $"Two readers claim the format '{format}': {map[format].GetType().Name} and {reader.GetType().Name}.",
                        nameof(readers));
                }
            }
        }
        _byFormat = map.ToFrozenDictionary();
        SupportedExtensions = [.. map.Keys.SelectMany(f => f.Extensions).Where(e => e.Length > 0).Order(StringComparer.Ordinal)];
    }

    /// <summary>Every reader this project has, in one place (DI and the extraction child both use it).</summary>
    /// <param name="ocr">OCR for image-only PDF pages (<c>Ingestion:Ocr</c>); null for the built-in defaults.</param>
    public static IReadOnlyList<IDocumentReader> DefaultReaders(PdfOcr? ocr = null) =>
        [
            new PdfReader(ocr), new DocxReader(), new PptxReader(), new XlsxReader(), new HtmlReader(),
            new PlainTextReader(), new MarkdownReader(), new CsvReader(),
        ];

    public static DocumentReaderRegistry CreateDefault() => new(DefaultReaders());

    /// <summary>Lower-case extensions with dot, sorted.</summary>
    public IReadOnlyCollection<string> SupportedExtensions { get; }

    /// <summary>The formats that have a reader here.</summary>
    public IReadOnlyCollection<FileFormat> Formats => _byFormat.Keys;

    public bool IsSupported(string fileName) => FileFormats.Find(fileName) is { } format && _byFormat.ContainsKey(format);

    /// <exception cref="DocumentRejectedException">With <see cref="RejectReason.Unsupported"/> for any other extension.</exception>
    public IDocumentReader For(string fileName)
    {
        if (FileFormats.Find(fileName) is { } format && _byFormat.TryGetValue(format, out var reader)) return reader;
        var extension = FileFormats.ExtensionOf(fileName);
        var what = extension.Length == 0 ? "Files without an extension are" : $"Files of type '{extension}' are";
        throw new DocumentRejectedException(RejectReason.Unsupported,
            $"{what} not supported; supported types: {string.Join(", ", SupportedExtensions)}.");
    }
}
