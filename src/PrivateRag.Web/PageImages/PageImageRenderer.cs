using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Documents;

namespace PrivateRag.Web.PageImages;

/// <summary>A rendered page, or why it could not be rendered (a sentence for the reader).</summary>
public sealed record PageImage(byte[]? Png, string? Problem, bool Cached)
{
    public bool Ok => Png is not null;
}

/// <summary>
/// Renders one page of a PDF to PNG with poppler's <c>pdftoppm</c> (crop box, longest side
/// <see cref="PageImageOptions.MaxPixels"/>), with a time limit, a size limit and a bounded in-memory cache.
/// Callers check access first (<see cref="DocumentService.OpenReadableAsync"/>) on every request; the cache is keyed by
/// the document's id and version, so a cached page is only ever returned after that check, to any caller who passes it.
/// Failures (a damaged or encrypted file) are cached too, so a bad file is not re-run on every view.
/// </summary>
public sealed class PageImageRenderer : IDisposable
{
    private readonly PageImageOptions _options;
    private readonly ILogger<PageImageRenderer> _logger;
    private readonly MemoryCache _cache;
    private readonly SemaphoreSlim _gate;

    public PageImageRenderer(IOptions<PageImageOptions> options, ILogger<PageImageRenderer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, _options.CacheBytes) });
        _gate = new SemaphoreSlim(_options.MaxConcurrentRenders);
    }

    /// <summary>Renders page <paramref name="page"/> (1-based) of the document whose bytes <paramref name="open"/> returns.</summary>
    public async Task<PageImage> RenderAsync(DocumentInfo document, int page, Func<CancellationToken, Task<Stream?>> open, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(open);
        var key = string.Create(CultureInfo.InvariantCulture, $"{document.Id:N}/{document.UpdatedAt.UtcTicks}/{page}/{_options.MaxPixels}");
        if (_cache.TryGetValue(key, out PageImage? hit) && hit is not null) return hit with { Cached = true };

        await _gate.WaitAsync(ct);
        try
        {
            if (_cache.TryGetValue(key, out hit) && hit is not null) return hit with { Cached = true };
            var result = await RenderUncachedAsync(page, open, ct);
            _cache.Set(key, result, new MemoryCacheEntryOptions
            {
                Size = (result.Png?.Length ?? 0) + 256,
                SlidingExpiration = _options.CacheSliding,
            });
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PageImage> RenderUncachedAsync(int page, Func<CancellationToken, Task<Stream?>> open, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("privaterag-page-");
        try
        {
            var pdf = Path.Combine(folder.FullName, "document.pdf");
            await using (var source = await open(ct))
            {
                if (source is null) return new PageImage(null, "The document's file is missing.", false);
                await using var target = File.Create(pdf);
                await source.CopyToAsync(target, ct);
            }
            var p = page.ToString(CultureInfo.InvariantCulture);
            return await RunAsync(["-png", "-f", p, "-l", p, "-singlefile", "-cropbox", "-scale-to", _options.MaxPixels.ToString(CultureInfo.InvariantCulture), pdf], ct);
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (IOException e) { _logger.LogWarning(e, "Could not delete {Folder}", folder.FullName); }
        }
    }

    private async Task<PageImage> RunAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(_options.PdftoppmPath)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, CreateNoWindow = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            _logger.LogWarning(e, "pdftoppm could not be started ({Path})", _options.PdftoppmPath);
            return new PageImage(null, $"Pages cannot be shown as images here: pdftoppm was not found at '{_options.PdftoppmPath}' (PageImages:PdftoppmPath; install poppler-utils).", false);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(_options.Timeout);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        using var png = new MemoryStream();
        try
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, limit.Token)) > 0)
            {
                if (png.Length + read > _options.MaxImageBytes)
                {
                    Kill(process);
                    return new PageImage(null, $"This page is too large to show as an image (over {_options.MaxImageBytes / 1024 / 1024} MB, PageImages:MaxImageBytes).", false);
                }
                png.Write(buffer, 0, read);
            }
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            return new PageImage(null, $"Rendering this page took longer than {_options.Timeout.TotalSeconds:0} s (PageImages:Timeout).", false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        var error = await stderr;
        if (process.ExitCode != 0 || png.Length == 0)
        {
            var reason = error.Contains("password", StringComparison.OrdinalIgnoreCase) ? "the PDF is encrypted"
                : error.Contains("Wrong page range", StringComparison.OrdinalIgnoreCase) ? "the document has no such page"
                : "the PDF is damaged";
            _logger.LogInformation("pdftoppm failed (exit {Code}): {Error}", process.ExitCode, error.Trim());
            return new PageImage(null, $"This page cannot be shown as an image: {reason}.", false);
        }
        return new PageImage(png.ToArray(), null, false);
    }

    private static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        _cache.Dispose();
        _gate.Dispose();
    }
}
