using System.Globalization;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Extraction;

/// <summary>
/// Carries <c>Ingestion:Ocr</c> to the extraction child on its command line (the child has no configuration of its
/// own), so an isolated read OCRs exactly like an in-process one.
/// </summary>
internal static class OcrArguments
{
    private const string Mode = "--ocr-mode";
    private const string Languages = "--ocr-languages";
    private const string Dpi = "--ocr-dpi";
    private const string MaxPages = "--ocr-max-pages";
    private const string PageTimeout = "--ocr-page-timeout-ms";
    private const string Tesseract = "--ocr-tesseract";
    private const string PdfToPpm = "--ocr-pdftoppm";

    public static IEnumerable<string> From(OcrOptions options) =>
        [
            Mode, options.Mode.ToString(),
            Languages, options.Languages,
            Dpi, options.Dpi.ToString(CultureInfo.InvariantCulture),
            MaxPages, options.MaxPages.ToString(CultureInfo.InvariantCulture),
            PageTimeout, ((long)options.PageTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            Tesseract, options.TesseractPath,
            PdfToPpm, options.PdfToPpmPath,
        ];

    /// <summary>The options the parent passed; the defaults for any it did not.</summary>
    public static OcrOptions Parse(IReadOnlyDictionary<string, string> arguments)
    {
        var options = new OcrOptions();
        if (arguments.TryGetValue(Mode, out var mode)) options.Mode = Enum.Parse<OcrMode>(mode, ignoreCase: true);
        if (arguments.TryGetValue(Languages, out var languages)) options.Languages = languages;
        if (arguments.TryGetValue(Dpi, out var dpi)) options.Dpi = int.Parse(dpi, CultureInfo.InvariantCulture);
        if (arguments.TryGetValue(MaxPages, out var maxPages)) options.MaxPages = int.Parse(maxPages, CultureInfo.InvariantCulture);
        if (arguments.TryGetValue(PageTimeout, out var timeout)) options.PageTimeout = TimeSpan.FromMilliseconds(long.Parse(timeout, CultureInfo.InvariantCulture));
        if (arguments.TryGetValue(Tesseract, out var tesseract)) options.TesseractPath = tesseract;
        if (arguments.TryGetValue(PdfToPpm, out var pdfToPpm)) options.PdfToPpmPath = pdfToPpm;
        return options;
    }
}
