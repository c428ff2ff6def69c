using PrivateRag.Benchmarks;

// dotnet run -c Release --project benchmarks/PrivateRag.Benchmarks -- VERB [options] [--json]
// Each verb prints figures measured in this run, with a baseline measured in the same run where one applies.
var verbs = new Dictionary<string, Func<BenchmarkArgs, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["ingestion"] = IngestionBenchmark.RunAsync,
    ["generation"] = GenerationBenchmark.RunAsync,
    ["index"] = IndexBenchmark.RunAsync,
    ["embedding"] = EmbeddingBenchmark.RunAsync,
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: PrivateRag.Benchmarks VERB [options] [--json]; verbs: {string.Join(", ", verbs.Keys.Order())}");
    return 1;
}
return await run(new BenchmarkArgs(args[1..]));
