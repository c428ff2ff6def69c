using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateRag.Ingest.Readers.Ocr;

/// <summary>OCR of one page failed for a reason other than time (a tool crashed or could not read the page).</summary>
internal sealed class OcrFailedException(string message) : Exception(message);

/// <summary>
/// Recognises the text of one PDF page: pdftoppm renders it to a grey PNG in a private temporary folder, tesseract
/// reads the PNG. Both share one wall-clock limit per page; the folder is deleted whatever happens.
/// </summary>
internal sealed partial class PdfPageRecognizer(OcrOptions options)
{
    // tesseract's OpenMP threads make one page barely faster and several workers much slower on a shared CPU.
    private static readonly Dictionary<string, string> SingleThreaded = new(StringComparer.Ordinal) { ["OMP_THREAD_LIMIT"] = "1" };

    /// <exception cref="ToolTimeoutException">Rendering and recognising took longer than <c>Ingestion:Ocr:PageTimeout</c>.</exception>
    /// <exception cref="OcrFailedException">A tool failed on this page.</exception>
    public string Recognize(string pdfPath, int page, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("privaterag-ocr-");
        try
        {
            var clock = Stopwatch.StartNew();
            var pageArg = page.ToString(CultureInfo.InvariantCulture);
            var dpi = options.Dpi.ToString(CultureInfo.InvariantCulture);
            var imageRoot = Path.Combine(folder.FullName, "page");
            var render = Run(options.PdfToPpmPath, ["-f", pageArg, "-l", pageArg, "-r", dpi, "-gray", "-png", "-singlefile", pdfPath, imageRoot], clock, ct, null);
            var image = imageRoot + ".png";
            if (render.ExitCode != 0 || !File.Exists(image))
            {
                throw new OcrFailedException($"pdftoppm could not render page {page} (exit code {render.ExitCode}): {render.FirstErrorLine}");
            }
            var recognise = Run(options.TesseractPath, [image, "stdout", "-l", options.Languages, "--dpi", dpi], clock, ct, SingleThreaded);
            if (recognise.ExitCode != 0)
            {
                throw new OcrFailedException($"tesseract could not read page {page} (exit code {recognise.ExitCode}): {recognise.FirstErrorLine}");
            }
            return recognise.StandardOutput;
        }
        finally
        {
            try { folder.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private ToolOutput Run(string executable, string[] arguments, Stopwatch clock, CancellationToken ct, IReadOnlyDictionary<string, string>? environment)
    {
        var left = options.PageTimeout - clock.Elapsed;
        if (left <= TimeSpan.Zero) throw new ToolTimeoutException("OCR", options.PageTimeout);
        try
        {
            return ExternalTool.Run(executable, arguments, left, ct, environment);
        }
        catch (ToolTimeoutException)
        {
            // Report the page's limit (the configured value), not what was left of it for the second tool.
            throw new ToolTimeoutException("OCR", options.PageTimeout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OcrFailedException($"'{executable}' could not be started: {e.Message}");
        }
    }

    /// <summary>Tesseract separates paragraphs by blank lines and ends a page with a form feed.</summary>
    public static IEnumerable<string> Paragraphs(string recognised) =>
        BlankLine().Split(recognised.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\f', '\n'))
            .Select(TextNormalizer.Inline)
            .Where(p => p.Any(char.IsLetterOrDigit));

    [GeneratedRegex(@"\n[ \t]*\n")]
    private static partial Regex BlankLine();
}
