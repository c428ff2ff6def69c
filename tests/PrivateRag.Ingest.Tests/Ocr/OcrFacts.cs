using PrivateRag.Ingest.Readers.Ocr;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Ocr;

/// <summary>
/// A fact that needs ../shared and a working tesseract + pdftoppm (CI installs them); skipped with the probe's own
/// explanation otherwise, so a developer machine without OCR tools still runs the rest.
/// </summary>
public sealed class OcrFactAttribute : FactAttribute
{
    public OcrFactAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.MissingReason;
        else if (!PdfOcr.Default.Status.Available) Skip = "OCR tools are not installed here: " + PdfOcr.Default.Status.Explanation;
    }
}
