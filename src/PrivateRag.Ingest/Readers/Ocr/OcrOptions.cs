using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace PrivateRag.Ingest.Readers.Ocr;

/// <summary>Whether PDF pages without a text layer are OCR'd: <c>Ingestion:Ocr:Mode</c>.</summary>
public enum OcrMode
{
    /// <summary>OCR with tesseract when it (and pdftoppm) is installed; otherwise such pages need OCR elsewhere (default).</summary>
    Auto,

    /// <summary>Never run OCR: an image-only PDF is rejected as "no text layer: needs OCR".</summary>
    Off,
}

/// <summary>The <c>Ingestion:Ocr</c> section: OCR of image-only PDF pages with tesseract, rendered by pdftoppm.</summary>
public sealed class OcrOptions : IValidatableObject
{
    public const string Section = "Ingestion:Ocr";

    public OcrMode Mode { get; set; } = OcrMode.Auto;

    /// <summary>Tesseract language packs joined by '+', e.g. "eng" or "eng+deu" (each needs tesseract-ocr-LANG).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*$", ErrorMessage = "Ingestion:Ocr:Languages must be tesseract language codes joined by '+', e.g. \"eng\" or \"eng+deu\".")]
    public string Languages { get; set; } = "eng";

    /// <summary>Resolution pages are rendered at; tesseract reads best at about 300 dpi.</summary>
    [Range(72, 600)] public int Dpi { get; set; } = 300;

    /// <summary>Image-only pages OCR'd per document (the first ones); OCR costs about a second per page.</summary>
    [Range(1, 100_000)] public int MaxPages { get; set; } = 100;

    /// <summary>Wall clock for rendering and recognising one page; the processes are killed when it is reached.</summary>
    public TimeSpan PageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The tesseract executable: a name looked up on PATH, or a full path.</summary>
    [Required] public string TesseractPath { get; set; } = "tesseract";

    /// <summary>poppler's pdftoppm executable, which renders a PDF page to an image for tesseract.</summary>
    [Required] public string PdfToPpmPath { get; set; } = "pdftoppm";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PageTimeout <= TimeSpan.Zero || PageTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"Ingestion:Ocr:PageTimeout must be above 0 and at most 01:00:00 (is {PageTimeout})."), [nameof(PageTimeout)]);
        }
    }

    /// <summary>A copy, so that a reader never sees options changed after it was built.</summary>
    public OcrOptions Clone() => (OcrOptions)MemberwiseClone();
}
