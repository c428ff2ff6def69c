using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Documents;

/// <summary>The <c>Uploads</c> section: what an upload may be.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Largest upload request (several files in one multipart body).</summary>
    [Range(1, long.MaxValue)] public long MaxRequestBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Lower-case extensions with the dot ("" = no extension, read as plain text); other types are refused at upload.
    /// The default is the formats table's (<see cref="FileFormats.UploadExtensions"/>), so the upload check, the
    /// upload page and its error messages name the same list.
    /// </summary>
    public string[] AllowedExtensions { get; set; } = [.. FileFormats.UploadExtensions];
}
