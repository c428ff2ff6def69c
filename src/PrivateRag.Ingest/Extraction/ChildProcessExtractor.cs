using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Extraction;

/// <summary>
/// Parses each untrusted file in a child process (<c>dotnet PrivateRag.Ingest.Extractor.dll --extract ...</c>) with a wall-clock
/// limit (<c>Ingestion:ExtractionTimeout</c>) and a memory cap (<c>Ingestion:MaxExtractionMemoryMB</c>: the child's GC
/// heap hard limit, and its working set watched from here). A crash of the parser, such as a stack overflow that
/// .NET cannot catch, ends only the child and fails the document as <c>Corrupt</c>; a time-out kills the child and
/// fails it as <c>TimedOut</c>. Readers marked <see cref="IDocumentReader.SafeInProcess"/> run here directly.
/// </summary>
public sealed class ChildProcessExtractor(
    DocumentReaderRegistry readers,
    IOptions<IngestionOptions> options,
    IOptions<OcrOptions> ocr,
    ILogger<ChildProcessExtractor> logger) : IDocumentExtractor
{
    private const int MaxStderrChars = 16 * 1024;

    private bool _warned;

    /// <summary>The child needs this assembly's runtimeconfig.json (copied beside it by the SDK for referenced executables).</summary>
    private static readonly bool ChildAvailable = File.Exists(Path.ChangeExtension(ChildAssembly, ".runtimeconfig.json"));

    /// <summary>Test-only: passed to the child as <c>--crash-for-test VALUE</c>.</summary>
    internal string? CrashForTest { get; set; }

    public async Task<ExtractedDocument> ExtractAsync(string fileName, Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        var reader = readers.For(fileName);
        var settings = options.Value;
        if (!ChildAvailable && !_warned)
        {
            _warned = true;
            logger.LogWarning("{Config} is missing beside {Assembly}: parsing runs in-process, without crash isolation.",
                Path.ChangeExtension(ChildAssembly, ".runtimeconfig.json"), ChildAssembly);
        }
        if (reader.SafeInProcess || !ChildAvailable)
        {
            return await new InProcessExtractor(readers, options).ExtractAsync(fileName, content, limits, ct);
        }

        string? temp = null;
        var path = content is FileStream fs && File.Exists(fs.Name) ? fs.Name : null;
        try
        {
            if (path is null)
            {
                temp = Path.Combine(Path.GetTempPath(), $"privaterag-extract-{Guid.NewGuid():N}");
                await using (var copy = File.Create(temp)) await content.CopyToAsync(copy, ct);
                path = temp;
            }
            return await RunChildAsync(fileName, path, limits, settings, ct);
        }
        finally
        {
            if (temp is not null) TryDelete(temp);
        }
    }

    private async Task<ExtractedDocument> RunChildAsync(string fileName, string path, ReadLimits limits, IngestionOptions settings, CancellationToken ct)
    {
        var memoryCap = (long)settings.MaxExtractionMemoryMB * 1024 * 1024;
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in (string[])["exec", ChildAssembly, ExtractionChild.Verb,
                     "--file", path, "--name", fileName,
                     "--max-pages", limits.MaxPages.ToString(CultureInfo.InvariantCulture),
                     "--max-chars", limits.MaxExtractedChars.ToString(CultureInfo.InvariantCulture),
                     "--max-decompressed", limits.MaxDecompressedBytes.ToString(CultureInfo.InvariantCulture),
                     "--max-ratio", limits.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var arg in OcrArguments.From(ocr.Value)) start.ArgumentList.Add(arg);
        if (CrashForTest is not null)
        {
            start.ArgumentList.Add(ExtractionChild.CrashSwitch);
            start.ArgumentList.Add(CrashForTest);
        }
        // Workstation GC and a hard heap limit: the child stays small, and a runaway allocation fails inside it.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + (memoryCap * 3 / 4).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment.Remove("DOTNET_STARTUP_HOOKS");

        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        if (!process.Start()) throw new InvalidOperationException("The extraction process did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = ReadCappedAsync(process.StandardError);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.ExtractionTimeout);
        var memoryExceeded = false;
        try
        {
            while (!process.HasExited)
            {
                var exited = process.WaitForExitAsync(timeout.Token);
                await Task.WhenAny(exited, Task.Delay(100, timeout.Token));
                timeout.Token.ThrowIfCancellationRequested();
                if (process.HasExited) break;
                process.Refresh();
                if (process.WorkingSet64 > memoryCap)
                {
                    memoryExceeded = true;
                    Kill(process);
                    break;
                }
            }
            await process.WaitForExitAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            if (ct.IsCancellationRequested) throw;
            throw InProcessExtractor.TimedOut(settings.ExtractionTimeout);
        }

        var output = await stdout;
        var errors = await stderr;
        logger.LogDebug("Extraction child for {File} exited with {Code} after {Ms} ms", fileName, process.ExitCode, clock.ElapsedMilliseconds);
        var memoryMessage = string.Create(CultureInfo.InvariantCulture,
            $"The parser needed more than {settings.MaxExtractionMemoryMB} MB of memory (Ingestion:MaxExtractionMemoryMB) and was stopped.");
        if (memoryExceeded) throw new DocumentRejectedException(RejectReason.TooLarge, memoryMessage);
        if (process.ExitCode == 0 && output.Length > 0)
        {
            var result = JsonSerializer.Deserialize<ExtractionResult>(output, ExtractionChild.Json)
                ?? throw new InvalidOperationException("The extraction process wrote no result.");
            if (result.Document is { } document) return document;
            var reason = result.Reason ?? RejectReason.Corrupt;
            if (reason == RejectReason.TooLarge && result.Message == "OutOfMemory") throw new DocumentRejectedException(reason, memoryMessage);
            if (reason == RejectReason.Internal) throw new IOException(result.Message); // transient: retried
            throw new DocumentRejectedException(reason, result.Message ?? "The document was rejected.");
        }
        if (errors.Contains("OutOfMemory", StringComparison.Ordinal) || errors.Contains("Out of memory", StringComparison.OrdinalIgnoreCase)) throw new DocumentRejectedException(RejectReason.TooLarge, memoryMessage);
        throw new DocumentRejectedException(RejectReason.Corrupt,
            $"The parser crashed: {Describe(process.ExitCode, errors)}. The file is probably malformed or hostile; the worker was not affected.");
    }

    private static string Describe(int exitCode, string stderr)
    {
        var firstLine = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var what = firstLine is null ? "no message" : firstLine.TrimEnd('.');
        if (stderr.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase)) what = "stack overflow";
        return string.Create(CultureInfo.InvariantCulture, $"{what} (exit code {exitCode})");
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var sb = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (sb.Length < MaxStderrChars) sb.Append(buffer, 0, Math.Min(read, MaxStderrChars - sb.Length));
        }
        return sb.ToString();
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logger.LogWarning(e, "Could not kill extraction process {Pid}", process.Id);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// The child: PrivateRag.Ingest.Extractor, a tiny executable that every ingesting host references, so its dll and
    /// runtimeconfig.json sit beside this assembly in the build and publish folders.
    /// </summary>
    private static string ChildAssembly => Path.Combine(AppContext.BaseDirectory, "PrivateRag.Ingest.Extractor.dll");
}

/// <summary>Finds the <c>dotnet</c> host that runs this process, to start the child with the same runtime.</summary>
internal static class DotnetHost
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    private static string Find()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileName(self).Equals(exe, StringComparison.OrdinalIgnoreCase)) return self;
        foreach (var candidate in new[]
                 {
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                     // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
                     System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe)),
                     Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root ? System.IO.Path.Combine(root, exe) : null,
                 })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }
        return exe; // from PATH
    }
}
