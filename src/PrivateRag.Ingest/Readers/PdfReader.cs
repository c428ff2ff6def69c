using System.Globalization;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers.Ocr;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads PDFs with PdfPig. Upright single-column pages (most reports) go through <see cref="PdfLineLayout"/>: lines by
/// baseline, tables kept as rows of cells, paragraphs by line spacing. Pages with text columns, rotated or vertical
/// text take the column-aware path: words by nearest-neighbour letter grouping where needed, text blocks by the
/// Docstrum page segmenter (tuned, see <see cref="Segmenter"/>), blocks in reading order by the unsupervised (spatial)
/// reading-order detector, so multi-column pages read column by column. Blocks set in a clearly larger font than the
/// document's body text become headings. Pages without any letters (scans) are OCR'd when <see cref="PdfOcr"/> is
/// available.
/// </summary>
public sealed class PdfReader(PdfOcr? ocr = null) : IDocumentReader
{
    private const string Format = "PDF";

    private readonly PdfOcr _ocr = ocr ?? PdfOcr.Default;

    // Measured on the shared corpus (share of 25-character runs of the content-stream text found in the output):
    // Docstrum with the default within-line multiplier (5) glues the lines of adjacent columns together
    // (multicolumn.pdf 55%); 2 keeps columns apart (93%) and costs little elsewhere (2108.11480 88%, ICML03 88%);
    // recursive XY-cut reads columns well (95%) but breaks single-column maths and tables (GeoTopo 49%, tables 27%).
    private static readonly DocstrumBoundingBoxes Segmenter = new(new DocstrumBoundingBoxes.DocstrumBoundingBoxesOptions
    {
        WithinLineMultiplier = 2,
        // One thread per page: documents are processed in parallel instead, and the grouping of equidistant
        // letters/blocks must not depend on thread timing (a re-run has to give identical chunks).
        MaxDegreeOfParallelism = 1,
    });

    private static readonly NearestNeighbourWordExtractor WordExtractor = new(new NearestNeighbourWordExtractor.NearestNeighbourWordExtractorOptions
    {
        MaxDegreeOfParallelism = 1,
    });

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Pdf];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var bytes = BlockCollector.ReadAll(content, ct);
        ct.ThrowIfCancellationRequested();
        if (bytes.Length == 0) throw new DocumentRejectedException(RejectReason.Corrupt, "The PDF file is empty (0 bytes).");

        PdfDocument document;
        try
        {
            document = PdfDocument.Open(bytes, new ParsingOptions
            {
                UseLenientParsing = true,
                SkipMissingFonts = true,
                ClipPaths = false,
            });
        }
        catch (Exception ex) when (IsParserFailure(ex))
        {
            throw Map(ex);
        }

        using (document)
        {
            return ReadDocument(document, bytes, limits, ct);
        }
    }

    private ExtractedDocument ReadDocument(PdfDocument document, byte[] bytes, ReadLimits limits, CancellationToken ct)
    {
        int pageCount;
        string? title;
        try
        {
            pageCount = document.NumberOfPages;
            title = SafeTitle(document);
        }
        catch (Exception ex) when (IsParserFailure(ex))
        {
            throw Map(ex);
        }

        if (pageCount <= 0) throw new DocumentRejectedException(RejectReason.Corrupt, "The PDF has no pages.");
        if (pageCount > limits.MaxPages)
        {
            throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The PDF has {pageCount} pages; the limit is {limits.MaxPages} pages (Ingestion:MaxPages)."));
        }

        var raw = new List<RawBlock>();
        long chars = 0;
        var lettersSeen = false;
        Exception? firstPageError = null;
        var failedPages = 0;
        var imageOnlyPages = new List<int>();
        for (var number = 1; number <= pageCount; number++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var page = document.GetPage(number);
                if (page.Letters.Count == 0)
                {
                    imageOnlyPages.Add(number);
                    continue;
                }
                lettersSeen = true;
                foreach (var block in ReadPage(page, number))
                {
                    chars += block.Text.Length;
                    BlockCollector.CheckInputLength(chars, limits, Format);
                    var text = ArabicPresentationForms.ToLogical(block.Text);
                    // Where the words of the final text are on the page, so a citation can be marked on the page image.
                    raw.Add(block with { Text = text, Geometry = PdfWordGeometry.Align(text, block.Words, page), Words = null });
                }
            }
            catch (Exception ex) when (IsParserFailure(ex))
            {
                // One broken page (bad font, bad content stream) should not lose the rest of the document.
                firstPageError ??= ex;
                failedPages++;
            }
        }

        var body = BodyFontSize(raw); // of the text layer: recognised text has no font size
        var ocr = _ocr.Recognize(bytes, imageOnlyPages, ct);
        foreach (var (page, text) in ocr.Paragraphs)
        {
            chars += text.Length;
            BlockCollector.CheckInputLength(chars, limits, Format);
            raw.Add(new RawBlock(page, text, 0, 1, text.Length, IsTable: false, Words: null));
        }

        if (raw.Count == 0)
        {
            if (firstPageError is not null && failedPages == pageCount) throw Map(firstPageError);
            if (firstPageError is not null && !lettersSeen)
            {
                throw new DocumentRejectedException(RejectReason.Corrupt, string.Create(CultureInfo.InvariantCulture,
                    $"The PDF could not be read: {failedPages} of {pageCount} pages failed ({firstPageError.Message}) and the others have no text."));
            }
            throw _ocr.NoText(pageCount, ocr);
        }

        var collector = new BlockCollector(limits, Format);
        foreach (var block in raw.OrderBy(b => b.Page)) // stable: recognised pages slot in between the others
        {
            if (block.IsTable)
            {
                collector.Add(block.Page, BlockKind.Table, block.Text, geometry: block.Geometry);
                continue;
            }

            var level = HeadingLevel(block, body);
            collector.Add(block.Page, level > 0 ? BlockKind.Heading : BlockKind.Paragraph, block.Text, level, block.Geometry);
        }
        return new ExtractedDocument(collector.Blocks, pageCount, title);
    }

    private static IEnumerable<RawBlock> ReadPage(Page page, int number)
    {
        // Upright text: PdfPig's default word extractor (gaps and spaces) is about ten times cheaper than nearest-neighbour
        // grouping and gives the same words; rotated, vertical or mixed text needs the nearest-neighbour extractor.
        var upright = page.Letters.All(l => l.TextOrientation == TextOrientation.Horizontal);
        var words = (upright ? page.GetWords() : WordExtractor.GetWords(page.Letters))
            .Where(w => !string.IsNullOrWhiteSpace(w.Text))
            .ToList();
        if (words.Count == 0) yield break;
        if (upright && PdfLineLayout.TryRead(words) is { } simple)
        {
            foreach (var block in simple)
            {
                if (block.Text.Length > 0) yield return new RawBlock(number, block.Text, block.FontSize, block.Lines, block.Characters, block.IsTable, block.Words);
            }
            yield break;
        }

        IReadOnlyList<TextBlock> blocks = Segmenter.GetBlocks(words);
        blocks = [.. UnsupervisedReadingOrderDetector.Instance.Get(blocks)];
        foreach (var block in blocks)
        {
            var text = TextNormalizer.Inline(string.Join("\n", block.TextLines.Select(l => l.Text)));
            if (text.Length == 0) continue;
            var letters = block.TextLines.SelectMany(l => l.Words).SelectMany(w => w.Letters)
                .Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
            var size = letters.Count == 0 ? 0 : Median(letters.Select(l => l.PointSize > 0 ? l.PointSize : l.BoundingBox.Height));
            yield return new RawBlock(number, text, size, block.TextLines.Count, letters.Count, IsTable: false, [.. block.TextLines.SelectMany(l => l.Words)]);
        }
    }

    /// <summary>The font size most characters of the document are set in.</summary>
    private static double BodyFontSize(List<RawBlock> blocks)
    {
        var weights = new Dictionary<double, long>();
        foreach (var b in blocks)
        {
            var key = Math.Round(b.FontSize, 1);
            weights[key] = weights.GetValueOrDefault(key) + b.Characters;
        }
        return weights.Count == 0 ? 0 : weights.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
    }

    private static int HeadingLevel(RawBlock block, double body)
    {
        if (body <= 0 || block.FontSize <= 0) return 0;
        if (block.Lines > 3 || block.Text.Length > 200 || !block.Text.Any(char.IsLetter)) return 0;
        if (block.Text[^1] is '.' or ',' or ';') return 0; // a short sentence in a large font, not a title
        var ratio = block.FontSize / body;
        return ratio switch
        {
            >= 1.6 => 1,
            >= 1.3 => 2,
            >= 1.15 => 3,
            _ => 0,
        };
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static string? SafeTitle(PdfDocument document)
    {
        var title = TextNormalizer.Inline(document.Information?.Title);
        return title.Length == 0 ? null : title;
    }

    /// <summary>Exceptions a malformed file can provoke inside the parser (not cancellation, not our own rejections).</summary>
    private static bool IsParserFailure(Exception ex) =>
        ex is not OperationCanceledException and not DocumentRejectedException and not OutOfMemoryException;

    private static DocumentRejectedException Map(Exception ex) => ex switch
    {
        PdfDocumentEncryptedException => new DocumentRejectedException(RejectReason.Encrypted,
            "The PDF is password-protected (encrypted); upload an unprotected copy."),
        PdfDocumentStackDepthException => new DocumentRejectedException(RejectReason.Corrupt,
            $"The PDF is malformed (nesting too deep): {ex.Message}"),
        PdfDocumentFormatException => new DocumentRejectedException(RejectReason.Corrupt,
            $"The PDF is malformed: {ex.Message}"),
        _ => new DocumentRejectedException(RejectReason.Corrupt,
            $"The PDF could not be read ({ex.GetType().Name}): {ex.Message}"),
    };

    private sealed record RawBlock(int Page, string Text, double FontSize, int Lines, int Characters, bool IsTable, IReadOnlyList<Word>? Words)
    {
        public BlockGeometry? Geometry { get; init; }
    }
}
