using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Web.PageImages;

/// <summary>The <c>PageImages</c> section: how cited PDF pages are rendered (poppler's <c>pdftoppm</c>) and cached.</summary>
public sealed class PageImageOptions
{
    public const string Section = "PageImages";

    /// <summary>The pdftoppm executable (Debian package <c>poppler-utils</c>, also used for OCR).</summary>
    [Required] public string PdftoppmPath { get; set; } = "pdftoppm";

    /// <summary>Longest side of a rendered page in pixels: enough to read 8 pt text at 200% zoom on a phone.</summary>
    [Range(200, 4000)] public int MaxPixels { get; set; } = 1600;

    /// <summary>Wall-clock limit for rendering one page; the process is killed after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A rendered image larger than this is refused (a pathological page).</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)] public int MaxImageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Total size of the in-memory cache of rendered pages (shared by all users, checked per request).</summary>
    [Range(0, 4L * 1024 * 1024 * 1024)] public long CacheBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>How long a rendered page stays cached without being viewed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan CacheSliding { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Renders running at once; more wait (pdftoppm is CPU-bound).</summary>
    [Range(1, 64)] public int MaxConcurrentRenders { get; set; } = 2;
}
