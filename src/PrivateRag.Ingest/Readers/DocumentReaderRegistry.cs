using System.Collections.Frozen;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Readers;

/// <summary>Picks the reader for a file by its extension (case-insensitive).</summary>
public sealed class DocumentReaderRegistry
{
    private readonly FrozenDictionary<string, IDocumentReader> _byExtension;

    public DocumentReaderRegistry(IEnumerable<IDocumentReader> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var map = new Dictionary<string, IDocumentReader>(StringComparer.OrdinalIgnoreCase);
        foreach (var reader in readers)
        {
            foreach (var extension in reader.Extensions)
            {
                if (!map.TryAdd(extension, reader))
                {
                    throw new ArgumentException(
                        $"Two readers claim the extension '{extension}': {map[extension].GetType().Name} and {reader.GetType().Name}.",
                        nameof(readers));
                }
            }
        }
        _byExtension = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        SupportedExtensions = [.. map.Keys.Where(k => k.Length > 0).Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal)];
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

    public bool IsSupported(string fileName) => _byExtension.ContainsKey(ExtensionOf(fileName));

    /// <exception cref="DocumentRejectedException">With <see cref="RejectReason.Unsupported"/> for any other extension.</exception>
    public IDocumentReader For(string fileName)
    {
        var extension = ExtensionOf(fileName);
        if (_byExtension.TryGetValue(extension, out var reader)) return reader;
        var what = extension.Length == 0 ? "Files without an extension are" : $"Files of type '{extension}' are";
        throw new DocumentRejectedException(RejectReason.Unsupported,
            $"{what} not supported; supported types: {string.Join(", ", SupportedExtensions)}.");
    }

    private static string ExtensionOf(string fileName) =>
        Path.GetExtension(fileName ?? "").ToLowerInvariant();
}
