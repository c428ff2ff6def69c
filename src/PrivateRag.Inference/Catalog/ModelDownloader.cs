using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace PrivateRag.Inference.Catalog;

/// <param name="Bytes">Bytes of the file on disk so far (including a resumed part).</param>
/// <param name="TotalBytes">The whole file's size, when the server or the catalogue says.</param>
/// <param name="ResumedFrom">Bytes that were already on disk from an earlier, interrupted download.</param>
public readonly record struct DownloadProgress(long Bytes, long? TotalBytes, long ResumedFrom);

/// <param name="AlreadyPresent">The file was there already (and matched the checksum, when one was given).</param>
public sealed record DownloadResult(string Path, long Bytes, string Sha256, long ResumedFrom, bool AlreadyPresent);

public sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner)
{
    public ModelDownloadException()
        : this("The model download failed.")
    {
    }

    public ModelDownloadException(string message)
        : this(message, null)
    {
    }
}

/// <summary>
/// Downloads a model file into <c>DESTINATION.part</c>, resuming an interrupted download with an HTTP Range request,
/// then checks its SHA-256 (when given) and that it is what its name says (a GGUF file, an ONNX model or a text
/// vocabulary), and only then renames it to DESTINATION. A failed
/// check deletes the part file: no final file is ever left that did not pass.
/// </summary>
public sealed class ModelDownloader(HttpClient http)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task<DownloadResult> DownloadAsync(
        Uri url, string destination, string? expectedSha256 = null, long? expectedBytes = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        expectedSha256 = expectedSha256?.Trim().ToLowerInvariant();
        destination = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);

        if (File.Exists(destination))
        {
            var existing = await HashAsync(destination, cancellationToken);
            if (expectedSha256 is not null && existing != expectedSha256)
                throw new ModelDownloadException($"'{destination}' already exists but its SHA-256 is {existing}, not {expectedSha256}. Delete it to download again.");
            return new DownloadResult(destination, new FileInfo(destination).Length, existing, 0, AlreadyPresent: true);
        }

        var part = destination + ".part";
        var resumedFrom = File.Exists(part) ? new FileInfo(part).Length : 0;
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            if (resumedFrom > 0) request.Headers.Range = new RangeHeaderValue(resumedFrom, null);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && resumedFrom > 0)
            {
                // The part file already holds the whole file: go on to the checks.
            }
            else if (!response.IsSuccessStatusCode)
            {
                throw new ModelDownloadException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            else
            {
                var append = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == resumedFrom;
                if (!append) resumedFrom = 0; // the server ignored the range: start over
                var total = response.Content.Headers.ContentRange?.Length
                            ?? (response.Content.Headers.ContentLength is { } length ? length + resumedFrom : expectedBytes);
                await CopyAsync(response, part, append, resumedFrom, total, progress, cancellationToken);
            }
        }

        var bytes = new FileInfo(part).Length;
        var sha256 = await HashAsync(part, cancellationToken);
        if (expectedSha256 is not null && sha256 != expectedSha256)
        {
            File.Delete(part);
            throw new ModelDownloadException($"Checksum mismatch for {url}: expected SHA-256 {expectedSha256}, got {sha256}. The download was deleted.");
        }

        if (ContentProblem(part, destination) is { } problem)
        {
            File.Delete(part);
            throw new ModelDownloadException($"{url} did not return {problem} (is the address right, or did the server send an error page?). The download was deleted.");
        }

        File.Move(part, destination, overwrite: false);
        return new DownloadResult(destination, bytes, sha256, resumedFrom, AlreadyPresent: false);
    }

    /// <summary>
    /// What the downloaded bytes fail to be, by the destination's kind: a GGUF starts with its magic; an ONNX model
    /// is a protobuf whose first field is ir_version (tag byte 0x08); a vocabulary or JSON file is text, not an HTML
    /// page (what a hub sends for a sign-in or an error).
    /// </summary>
    private static string? ContentProblem(string part, string destination)
    {
        if (Onnx.OnnxModelFiles.IsOnnx(destination))
        {
            using var file = File.OpenRead(part);
            return file.ReadByte() == 0x08 ? null : "an ONNX model";
        }

        if (destination.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || destination.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(part);
            var start = new char[256];
            var read = reader.Read(start, 0, start.Length);
            var text = new string(start, 0, read).TrimStart();
            return read > 0 && !text.StartsWith('<') && !text.Contains('\0', StringComparison.Ordinal) ? null : "a text file";
        }

        return GgufFile.HasMagic(part) ? null : "a GGUF file";
    }

    private static async Task CopyAsync(
        HttpResponseMessage response, string part, bool append, long resumedFrom, long? total,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[1 << 20];
        var written = resumedFrom;
        var lastReport = TimeProvider.System.GetTimestamp();
        progress?.Report(new DownloadProgress(written, total, resumedFrom));
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                written += read;
                if (TimeProvider.System.GetElapsedTime(lastReport) >= ProgressInterval)
                {
                    progress?.Report(new DownloadProgress(written, total, resumedFrom));
                    lastReport = TimeProvider.System.GetTimestamp();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new ModelDownloadException($"The download was interrupted after {written:N0} bytes ({ex.Message}); run the same command again to resume.", ex);
        }

        progress?.Report(new DownloadProgress(written, total, resumedFrom));
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
