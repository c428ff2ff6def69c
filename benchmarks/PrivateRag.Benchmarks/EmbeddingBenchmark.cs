using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference;
using PrivateRag.Inference.Local;
using PrivateRag.Inference.Onnx;

namespace PrivateRag.Benchmarks;

/// <summary>
/// <c>embedding --model FILE.onnx|FILE.gguf --input DIR|corpus.jsonl[.gz] [--limit 200] [--threads 1,2] [--batch 16]
/// [--batch-tokens 512] [--json]</c>: embedding throughput of the model alone on real text. Each input is one chunk:
/// a BEIR record's title and text (SciFact abstracts fit one 512-token window), or a .txt/.md file of a folder.
/// <c>chunksPerSecond</c> goes through the registered generator as ingestion calls it (document prefix,
/// normalisation); <c>rawChunksPerSecond</c> calls the in-process model generator (ONNX Runtime or LLamaSharp)
/// directly. One warm-up call per setting is not timed.
/// </summary>
public static class EmbeddingBenchmark
{
    public sealed record Result(int Threads, int Chunks, long Tokens, double Seconds, double ChunksPerSecond, double RawChunksPerSecond);

    public static async Task<int> RunAsync(BenchmarkArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var model = args.Require("--model");
        var texts = Read(args.Require("--input"), args.GetInt("--limit", 200));
        var batch = args.GetInt("--batch", 16);
        var results = new List<Result>();
        foreach (var threads in args.GetInts("--threads", Environment.ProcessorCount))
        {
            var settings = new Dictionary<string, string?>
            {
                ["Models:Embedding:Path"] = model,
                ["Models:Embedding:Threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Models:Embedding:BatchSize"] = args.Get("--batch-tokens") ?? "512",
                ["Models:Embedding:ContextSize"] = "512",
            };
            var services = new ServiceCollection()
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .AddPrivateRagInference(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            await using var provider = services.BuildServiceProvider();
            var product = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            IEmbeddingGenerator<string, Embedding<float>> raw = OnnxModelFiles.IsOnnx(model)
                ? provider.GetRequiredService<OnnxEmbeddingGenerator>()
                : provider.GetRequiredService<LocalEmbeddingGenerator>();
            var document = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingPurpose.Key] = EmbeddingPurpose.Document } };

            await product.GenerateAsync(texts.Take(batch), document); // load the model, warm the kernels
            var (seconds, tokens) = await TimeAsync(product, texts, batch, document);
            var (rawSeconds, _) = await TimeAsync(raw, texts, batch, null);
            var result = new Result(threads, texts.Count, tokens, Math.Round(seconds, 2), Math.Round(texts.Count / seconds, 1), Math.Round(texts.Count / rawSeconds, 1));
            results.Add(result);
            if (!args.Json)
                Console.WriteLine($"threads {threads}: {result.Chunks} chunks ({tokens:N0} tokens) in {result.Seconds:N2} s = {result.ChunksPerSecond:N1} chunks/s (model alone {result.RawChunksPerSecond:N1})");
        }

        if (args.Json)
        {
            object report = results.Count == 1
                ? new { model, chunks = results[0].Chunks, seconds = results[0].Seconds, chunksPerSecond = results[0].ChunksPerSecond, rawChunksPerSecond = results[0].RawChunksPerSecond, threads = results[0].Threads }
                : new { model, results };
            Console.WriteLine(JsonSerializer.Serialize(report, BenchmarkArgs.JsonOptions));
        }

        return 0;
    }

    private static async Task<(double Seconds, long Tokens)> TimeAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, int batch, EmbeddingGenerationOptions? options)
    {
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        foreach (var chunk in texts.Chunk(batch))
            tokens += (await generator.GenerateAsync(chunk, options)).Usage?.InputTokenCount ?? 0;
        return (clock.Elapsed.TotalSeconds, tokens);
    }

    /// <summary>The first <paramref name="limit"/> inputs: BEIR corpus records (title + text), or the text files of a folder.</summary>
    private static List<string> Read(string input, int limit)
    {
        if (Directory.Exists(input))
        {
            return [.. Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).Take(limit).Select(File.ReadAllText)];
        }

        using var file = File.OpenRead(input);
        using Stream stream = input.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        var texts = new List<string>(limit);
        while (texts.Count < limit && reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var record = JsonDocument.Parse(line);
            var title = record.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var text = record.RootElement.TryGetProperty("text", out var x) ? x.GetString() : null;
            texts.Add(string.IsNullOrWhiteSpace(title) ? text ?? "" : $"{title}\n{text}");
        }

        return texts;
    }
}
