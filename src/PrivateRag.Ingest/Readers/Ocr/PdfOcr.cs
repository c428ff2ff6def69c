using System.Globalization;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers.Ocr;

/// <summary>What OCR made of a document's image-only pages.</summary>
/// <param name="Attempted">False when OCR is off or not installed (see <see cref="PdfOcr.Status"/>).</param>
/// <param name="Paragraphs">Recognised paragraphs with their 1-based page, in page order.</param>
/// <param name="Skipped">Image-only pages beyond <c>Ingestion:Ocr:MaxPages</c>, not OCR'd.</param>
/// <param name="TimedOutPages">Pages stopped at <c>Ingestion:Ocr:PageTimeout</c>.</param>
/// <param name="Failures">One message per page a tool failed on.</param>
internal sealed record OcrPages(
    bool Attempted,
    IReadOnlyList<(int Page, string Text)> Paragraphs,
    int Recognised,
    int Skipped,
    IReadOnlyList<int> TimedOutPages,
    IReadOnlyList<string> Failures)
{
    public static OcrPages NotAttempted { get; } = new(false, [], 0, 0, [], []);
}

/// <summary>
/// OCR for PDF pages without a text layer (scans, faxes): decides whether OCR can run, recognises the pages through
/// <see cref="PdfPageRecognizer"/>, and words the rejection when a document still has no text. One instance per
/// configuration: the availability probe runs once per instance.
/// </summary>
public sealed class PdfOcr
{
    private readonly OcrAvailability _availability;
    private readonly PdfPageRecognizer _recognizer;

    public PdfOcr(OcrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        _availability = new OcrAvailability(Options);
        _recognizer = new PdfPageRecognizer(Options);
    }

    /// <summary>The built-in defaults (Mode Auto, tesseract and pdftoppm from PATH, English).</summary>
    public static PdfOcr Default { get; } = new(new OcrOptions());

    public OcrOptions Options { get; }

    public OcrStatus Status => _availability.Status;

    /// <summary>Recognises up to <c>MaxPages</c> of <paramref name="pages"/>; a page that fails or times out is recorded and skipped.</summary>
    internal OcrPages Recognize(byte[] pdf, IReadOnlyList<int> pages, CancellationToken ct)
    {
        if (pages.Count == 0 || !Status.Available) return OcrPages.NotAttempted;
        var paragraphs = new List<(int, string)>();
        var timedOut = new List<int>();
        var failures = new List<string>();
        var selected = pages.Take(Options.MaxPages).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"privaterag-ocr-{Guid.NewGuid():N}.pdf");
        try
        {
            File.WriteAllBytes(path, pdf);
            foreach (var page in selected)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    foreach (var paragraph in PdfPageRecognizer.Paragraphs(_recognizer.Recognize(path, page, ct))) paragraphs.Add((page, paragraph));
                }
                catch (ToolTimeoutException)
                {
                    timedOut.Add(page);
                }
                catch (OcrFailedException e)
                {
                    failures.Add(e.Message);
                }
            }
        }
        finally
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return new OcrPages(true, paragraphs, selected.Count, pages.Count - selected.Count, timedOut, failures);
    }

    /// <summary>Why a PDF whose text layer is empty yields no text even after OCR (or without it).</summary>
    internal DocumentRejectedException NoText(int pageCount, OcrPages ocr)
    {
        var noLayer = string.Create(CultureInfo.InvariantCulture, $"The PDF has {pageCount} page(s) but no text layer");
        if (!ocr.Attempted)
        {
            return new DocumentRejectedException(RejectReason.NoText, $"{noLayer}: needs OCR. {Status.Explanation}");
        }
        var skipped = ocr.Skipped == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $" {ocr.Skipped} more page(s) were not OCR'd (Ingestion:Ocr:MaxPages is {Options.MaxPages}).");
        if (ocr.TimedOutPages.Count > 0)
        {
            return new DocumentRejectedException(RejectReason.TimedOut, string.Create(CultureInfo.InvariantCulture,
                $"{noLayer}, and OCR of page(s) {string.Join(", ", ocr.TimedOutPages)} took longer than the limit of {Options.PageTimeout.TotalSeconds:0.###} s per page (Ingestion:Ocr:PageTimeout) and was stopped.{skipped}"));
        }
        if (ocr.Failures.Count > 0)
        {
            return new DocumentRejectedException(RejectReason.NoText, $"{noLayer}, and OCR failed: {ocr.Failures[0].TrimEnd('.')}.{skipped}");
        }
        return new DocumentRejectedException(RejectReason.NoText, string.Create(CultureInfo.InvariantCulture,
            $"{noLayer}, and OCR (tesseract, {Options.Languages}) found no text on {ocr.Recognised} page(s): the pages are blank or the image is unreadable.{skipped}"));
    }
}
