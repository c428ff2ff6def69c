using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference;
using PrivateRag.Inference.Gguf;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Testing;

namespace PrivateRag.Benchmarks;

/// <summary>
/// <c>generation --concurrency 1,2,4,8 [--model FILE] [--quant q8_0|q4_0] [--tokens N] [--rounds R] [--threads T] [--json]</c>: aggregate
/// tokens per second and time to first token of N-token streams run C at a time through the local chat client (the
/// continuous-batching scheduler), with the speed-up over one stream measured in the same run. Without --model it
/// writes a random-weight llama GGUF of about 110M parameters (speed does not depend on weight values; matrices Q8_0, or
/// Q4_0 with --quant q4_0) with the
/// tokenizer of ../shared/models/llama-2-tiny-random.gguf (or --tokenizer FILE).
/// </summary>
public static class GenerationBenchmark
{
    public sealed record Level(int Concurrency, double TokensPerSecond, double TtftP50Ms, double TtftP95Ms, double? SpeedupOverOne, int Requests, long Tokens);

    public sealed record Report(string Model, long Parameters, string Quantization, int TokensPerRequest, int Threads, IReadOnlyList<Level> Results);

    public static async Task<int> RunAsync(BenchmarkArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var levels = args.GetInts("--concurrency", 1, 2, 4, 8).Distinct().Order().ToList();
        var tokens = args.GetInt("--tokens", 64);
        var rounds = args.GetInt("--rounds", 2);
        var threads = args.GetInt("--threads", Environment.ProcessorCount);
        string? temporary = null;
        var model = args.Get("--model");
        if (model is null)
        {
            var tokenizer = args.Get("--tokenizer") ?? FindSharedTinyModel();
            if (tokenizer is null)
            {
                await Console.Error.WriteLineAsync("error: pass --model FILE.gguf, or --tokenizer FILE.gguf (a llama-tokenizer GGUF) to write a random-weight model.");
                return 1;
            }

            temporary = Directory.CreateTempSubdirectory("privaterag-bench-").FullName;
            var quant = (args.Get("--quant") ?? "q8_0").ToLowerInvariant();
            var matrices = quant switch
            {
                "q8_0" => GgmlType.Q8_0,
                "q4_0" => GgmlType.Q4_0,
                _ => throw new ArgumentException($"--quant {quant}: use q8_0 or q4_0."),
            };
            model = Path.Combine(temporary, $"random-llama-110m-{quant}.gguf");
            var writing = Stopwatch.StartNew();
            RandomLlamaModel.Write(model, LlamaShape.Small100M, tokenizer, matrices: matrices);
            await Console.Error.WriteLineAsync($"Wrote {model} ({new FileInfo(model).Length / 1e6:N0} MB) in {writing.Elapsed.TotalSeconds:N1} s");
        }

        try
        {
            var info = GgufModelInfo.Read(model);
            await Console.Error.WriteLineAsync($"Model {info.File}: {info.Architecture}, {info.ParametersShort} parameters, {info.Quantization}; {tokens} tokens per request, {threads} threads");
            var results = await MeasureAsync(model, levels, tokens, rounds, threads);
            var report = new Report(info.File, info.Parameters, info.Quantization, tokens, threads, results);
            if (args.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, BenchmarkArgs.JsonOptions));
            }
            else
            {
                Console.WriteLine("| concurrency | tokens/s | x one stream | TTFT p50 ms | TTFT p95 ms |");
                Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
                foreach (var r in results)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Concurrency} | {r.TokensPerSecond:0.0} | {r.SpeedupOverOne?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-"} | {r.TtftP50Ms:0} | {r.TtftP95Ms:0} |"));
            }

            return 0;
        }
        finally
        {
            if (temporary is not null) Directory.Delete(temporary, recursive: true);
        }
    }

    private static async Task<List<Level>> MeasureAsync(string model, IReadOnlyList<int> levels, int tokens, int rounds, int threads)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Chat:Path"] = model,
            ["Models:Chat:ContextSize"] = (tokens + 256).ToString(CultureInfo.InvariantCulture),
            ["Models:Chat:Threads"] = threads.ToString(CultureInfo.InvariantCulture),
            ["Inference:Chat:MaxConcurrent"] = levels.Max().ToString(CultureInfo.InvariantCulture),
            ["Inference:Chat:MaxQueue"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)); // stdout carries the JSON
        services.AddPrivateRagInference(configuration);
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        await OneStreamAsync(chat, 0, 8); // load the model and create the context outside the measurement

        var results = new List<Level>();
        double? single = null;
        foreach (var concurrency in levels)
        {
            var ttfts = new List<double>();
            long produced = 0;
            var elapsed = TimeSpan.Zero;
            for (var round = 0; round < rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var streams = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => OneStreamAsync(chat, round * 100 + i, tokens))));
                elapsed += clock.Elapsed;
                ttfts.AddRange(streams.Select(s => s.TtftMs));
                produced += streams.Sum(s => s.Tokens);
            }

            var tps = produced / elapsed.TotalSeconds;
            single ??= concurrency == 1 ? tps : null;
            ttfts.Sort();
            results.Add(new Level(concurrency, Math.Round(tps, 1), Math.Round(Percentile(ttfts, 0.50), 1), Math.Round(Percentile(ttfts, 0.95), 1),
                single is { } one ? Math.Round(tps / one, 2) : null, ttfts.Count, produced));
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  concurrency {concurrency}: {tps:0.0} tokens/s, TTFT p50 {Percentile(ttfts, 0.5):0} ms"));
        }

        return results;
    }

    private static async Task<(double TtftMs, long Tokens)> OneStreamAsync(IChatClient chat, int index, int tokens)
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = tokens,
            Temperature = 0.8f,
            Seed = index,
            AdditionalProperties = new() { [ChatScheduling.UserKey] = $"bench-{index}" },
        };
        var clock = Stopwatch.StartNew();
        double? ttft = null;
        long produced = 0;
        var prompt = $"Request {index}: write a long report about the quarterly figures of department {index % 7}, section by section.";
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], options))
        {
            ttft ??= clock.Elapsed.TotalMilliseconds;
            if (update.Contents.OfType<UsageContent>().FirstOrDefault() is { } usage) produced = usage.Details.OutputTokenCount ?? 0;
        }

        return (ttft ?? clock.Elapsed.TotalMilliseconds, produced);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    private static string? FindSharedTinyModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "PrivateRag.sln"))) continue;
            var candidate = Path.Combine(dir.FullName, "..", "shared", "models", "llama-2-tiny-random.gguf");
            return File.Exists(candidate) ? Path.GetFullPath(candidate) : null;
        }

        return null;
    }
}
