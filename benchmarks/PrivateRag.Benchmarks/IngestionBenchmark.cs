using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Benchmarks;

/// <summary>
/// <c>ingestion --input DIR [--threads N] [--warmup PASSES] [--json]</c>: extraction + chunking of every PDF and DOCX
/// under DIR, files in parallel on all cores (readers in this process, as <c>Ingestion:Isolation=InProcess</c>), after
/// one untimed warm-up pass over the same files (<c>--warmup 0</c> measures a cold start).
/// When <c>pdftotext</c> (poppler) is on PATH, the same PDFs are converted by it as N parallel processes in the same
/// run, and the ratio of the two throughputs (PDF pages per second) is reported.
/// </summary>
public static class IngestionBenchmark
{
    public sealed record Baseline(string Tool, int Processes, int Pages, double Seconds, double PagesPerSecond);

    public sealed record Failure(string File, string Reason, string Message);

    public sealed record Result(
        int Files, int Pages, int Chunks, long Characters, double Seconds, double PagesPerSecond, int Threads,
        IReadOnlyList<Failure> Failed, Baseline? Baseline, double? Ratio);

    public static async Task<int> RunAsync(BenchmarkArgs args)
    {
        var input = args.Require("--input");
        var threads = args.GetInt("--threads", Environment.ProcessorCount);
        var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".docx", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new ArgumentException($"No PDF or DOCX files under {input}.");

        var registry = DocumentReaderRegistry.CreateDefault();
        var chunker = new DocumentChunker(new ChunkingOptions(), new ApproximateTokenCounter());
        // A long-running worker reads with compiled, tiered-up code; one untimed pass over the files gets the JIT there
        // (and the files into the page cache, as pdftotext's warm-up run does for it).
        var warmup = args.GetInt("--warmup", 1);
        for (var pass = 0; pass < warmup; pass++)
        {
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, file =>
            {
                try { Process(file, registry, chunker); }
                catch (DocumentRejectedException) { } // reported by the measured pass
            });
        }

        var pdfPages = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<Failure>();
        int pages = 0, chunks = 0;
        long characters = 0;
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, file =>
        {
            try
            {
                var (doc, count) = Process(file, registry, chunker);
                Interlocked.Add(ref pages, doc.PageCount);
                Interlocked.Add(ref chunks, count);
                Interlocked.Add(ref characters, doc.Blocks.Sum(b => (long)b.Text.Length));
                if (file.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase)) pdfPages[file] = doc.PageCount;
            }
            catch (DocumentRejectedException e)
            {
                failures.Add(new Failure(Path.GetRelativePath(input, file), e.Reason.ToString(), e.Message));
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;

        var baseline = await PdfToTextAsync(pdfPages.Keys.Order(StringComparer.Ordinal).ToList(), pdfPages.Values.Sum(), threads);
        double? ratio = null;
        if (baseline is not null && seconds > 0)
        {
            ratio = Math.Round(pdfPages.Values.Sum() / seconds / baseline.PagesPerSecond, 3);
        }

        var result = new Result(files.Count, pages, chunks, characters, Math.Round(seconds, 3), Math.Round(pages / seconds, 1), threads,
            [.. failures.OrderBy(f => f.File, StringComparer.Ordinal)], baseline, ratio);
        if (args.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, BenchmarkArgs.JsonOptions));
        }
        else
        {
            Console.WriteLine($"{result.Files} files, {result.Pages} pages, {result.Chunks} chunks in {result.Seconds:0.00} s: {result.PagesPerSecond:0.0} pages/s ({threads} threads)");
            foreach (var f in result.Failed) Console.WriteLine($"  failed {f.File}: {f.Reason}: {f.Message}");
            if (baseline is null) Console.WriteLine("pdftotext not found on PATH (apt-get install poppler-utils): no baseline.");
            else Console.WriteLine($"pdftotext x{baseline.Processes}: {baseline.Pages} pages in {baseline.Seconds:0.00} s: {baseline.PagesPerSecond:0.0} pages/s; ratio {ratio:0.000}");
        }
        return 0;
    }

    private static (ExtractedDocument Document, int Chunks) Process(string file, DocumentReaderRegistry registry, DocumentChunker chunker)
    {
        using var stream = File.OpenRead(file);
        var doc = registry.For(file).Read(stream, new ReadLimits(), CancellationToken.None);
        return (doc, chunker.Chunk(doc).Count);
    }

    /// <summary>poppler's pdftotext over the same PDFs, <paramref name="processes"/> at a time; null when it is not installed.</summary>
    private static async Task<Baseline?> PdfToTextAsync(IReadOnlyList<string> pdfs, int pages, int processes)
    {
        if (pdfs.Count == 0 || FindOnPath("pdftotext") is not { } tool) return null;
        await RunPdfToTextAsync(tool, pdfs[0]); // warm the page cache the same way
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(pdfs, new ParallelOptions { MaxDegreeOfParallelism = processes }, async (pdf, _) => await RunPdfToTextAsync(tool, pdf));
        var seconds = clock.Elapsed.TotalSeconds;
        return new Baseline("pdftotext", processes, pages, Math.Round(seconds, 3), Math.Round(pages / seconds, 1));
    }

    private static async Task RunPdfToTextAsync(string tool, string pdf)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-q");
        start.ArgumentList.Add(pdf);
        start.ArgumentList.Add("-");
        using var p = System.Diagnostics.Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        await stdout;
        await stderr;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
