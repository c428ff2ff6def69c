using System.ComponentModel;

namespace PrivateRag.Ingest.Readers.Ocr;

/// <summary>Whether OCR can run here, and if not, a sentence saying why and how to enable it.</summary>
public sealed record OcrStatus(bool Available, string Explanation)
{
    public const string InstallHint = "install it with 'apt-get install tesseract-ocr poppler-utils'";
}

/// <summary>
/// Checks once, on first use, that the configured tesseract and pdftoppm run and that every configured language pack
/// is installed, so a missing tool fails each document with the same clear message instead of once per page.
/// </summary>
internal sealed class OcrAvailability(OcrOptions options)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<OcrStatus> _status = new(() => Probe(options));

    public OcrStatus Status => _status.Value;

    private static OcrStatus Probe(OcrOptions options)
    {
        if (options.Mode == OcrMode.Off)
        {
            return new OcrStatus(false, "OCR is off (Ingestion:Ocr:Mode is Off); set it to Auto to OCR image-only pages with tesseract.");
        }

        // tesseract prints its language list on stdout (5.x) or stderr (older versions).
        var languages = RunProbe(options.TesseractPath, "Ingestion:Ocr:TesseractPath", "tesseract", ["--list-langs"], out var tesseractProblem);
        if (tesseractProblem is not null) return new OcrStatus(false, tesseractProblem);
        var installed = (languages!.StandardOutput + "\n" + languages.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        var missing = options.Languages.Split('+').Where(l => !installed.Contains(l)).ToList();
        if (missing.Count > 0)
        {
            return new OcrStatus(false,
                $"OCR is not available: tesseract has no language pack for {string.Join(", ", missing.Select(l => $"'{l}'"))} (Ingestion:Ocr:Languages); "
                + $"install it with 'apt-get install {string.Join(" ", missing.Select(l => "tesseract-ocr-" + l.ToLowerInvariant()))}'.");
        }

        RunProbe(options.PdfToPpmPath, "Ingestion:Ocr:PdfToPpmPath", "pdftoppm", ["-v"], out var pdfToPpmProblem);
        if (pdfToPpmProblem is not null) return new OcrStatus(false, pdfToPpmProblem);

        return new OcrStatus(true, $"OCR with tesseract ({options.Languages}) is available.");
    }

    private static ToolOutput? RunProbe(string executable, string key, string tool, string[] arguments, out string? problem)
    {
        problem = null;
        try
        {
            var output = ExternalTool.Run(executable, arguments, ProbeTimeout, CancellationToken.None);
            // pdftoppm -v exits with 0 or 99 depending on the poppler version; only a crash-like code is a failure.
            if (output.ExitCode is not 0 and not 99)
            {
                problem = $"OCR is not available: '{executable}' ({key}) failed with exit code {output.ExitCode}: {output.FirstErrorLine}.";
            }
            return output;
        }
        catch (Win32Exception)
        {
            problem = $"OCR is not available: {tool} was not found at '{executable}' ({key}); {OcrStatus.InstallHint}, or set {key}.";
        }
        catch (ToolTimeoutException)
        {
            problem = $"OCR is not available: '{executable}' ({key}) did not answer within {ProbeTimeout.TotalSeconds:0} s.";
        }
        return null;
    }
}
