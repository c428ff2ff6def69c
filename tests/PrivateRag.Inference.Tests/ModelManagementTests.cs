using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference.Catalog;
using PrivateRag.Inference.Gguf;
using PrivateRag.Testing;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

/// <summary>A Kestrel server on 127.0.0.1 (random port) serving the tiny model with Range support, recording Range headers.</summary>
public sealed class ModelFileServer : IAsyncLifetime
{
    private WebApplication? _app;

    public ConcurrentQueue<string> Ranges { get; } = new();

    public Uri TinyModelUrl { get; private set; } = null!;

    public Uri NotAModelUrl { get; private set; } = null!;

    /// <summary>The start of an ONNX ModelProto (ir_version = 8), then filler: what the downloader checks, not a model.</summary>
    public static readonly byte[] OnnxBytes = [0x08, 0x08, .. Enumerable.Repeat((byte)0x2A, 4096)];

    public const string VocabularyText = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n";

    public Uri Address => new(_app!.Urls.First());

    /// <summary>The tiny model sent in 64 KB pieces about 25 ms apart (~0.7 s), so progress can be watched.</summary>
    public Uri SlowTinyModelUrl { get; private set; } = null!;

    /// <summary>
    /// The first <see cref="StalledAfterBytes"/> of the tiny model, then nothing until the client goes away: a download
    /// that is certainly still running when a test cancels it, however slow or fast the machine.
    /// </summary>
    public Uri StalledTinyModelUrl { get; private set; } = null!;

    /// <summary>More than the downloader's 1 MB file buffer, so part of it is on disk in the .part file.</summary>
    public const int StalledAfterBytes = 1_250_000;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapGet("/models/tiny.gguf", (HttpContext http) =>
        {
            Ranges.Enqueue(http.Request.Headers.Range.ToString());
            return Results.File(SharedData.TinyModel, "application/octet-stream", enableRangeProcessing: true);
        });
        _app.MapGet("/models/page.gguf", () => Results.Text("<html>Sign in to download</html>", "text/html"));
        _app.MapGet("/models/slow.gguf", async (HttpContext http) =>
        {
            var bytes = await File.ReadAllBytesAsync(SharedData.TinyModel, http.RequestAborted);
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = bytes.Length;
            for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
            {
                await http.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                await Task.Delay(25, http.RequestAborted);
            }
        });
        // A two-file ONNX "repository" (model + vocabulary), and one whose vocabulary is a sign-in page.
        _app.MapGet("/repo/onnx/model.onnx", () => Results.Bytes(OnnxBytes, "application/octet-stream"));
        _app.MapGet("/repo/vocab.txt", () => Results.Text(VocabularyText, "text/plain"));
        _app.MapGet("/gated/onnx/model.onnx", () => Results.Bytes(OnnxBytes, "application/octet-stream"));
        _app.MapGet("/gated/vocab.txt", () => Results.Text("<!doctype html><html>Sign in to download</html>", "text/html"));
        _app.MapGet("/models/stalled.gguf", async (HttpContext http) =>
        {
            var bytes = await File.ReadAllBytesAsync(SharedData.TinyModel, http.RequestAborted);
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes.AsMemory(0, StalledAfterBytes), http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await _app.StartAsync();
        var address = new Uri(_app.Urls.First());
        TinyModelUrl = new Uri(address, "/models/tiny.gguf");
        NotAModelUrl = new Uri(address, "/models/page.gguf");
        SlowTinyModelUrl = new Uri(address, "/models/slow.gguf");
        StalledTinyModelUrl = new Uri(address, "/models/stalled.gguf");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

public sealed class ModelManagementTests(ModelFileServer server) : IClassFixture<ModelFileServer>, IDisposable
{
    internal const string TinySha256 = "81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb";
    internal const long TinyBytes = 1_750_560;

    private readonly string _folder = Directory.CreateTempSubdirectory("privaterag-models-").FullName;
    private readonly HttpClient _http = new();

    [SharedDataFact]
    public async Task Pull_downloads_checks_the_hash_and_renames_into_place()
    {
        var destination = Path.Combine(_folder, "tiny.gguf");
        var reports = new List<DownloadProgress>();

        var result = await new ModelDownloader(_http).DownloadAsync(server.TinyModelUrl, destination, TinySha256, progress: new SyncProgress(reports));

        Assert.Equal(TinySha256, result.Sha256);
        Assert.Equal(TinyBytes, new FileInfo(destination).Length);
        Assert.False(File.Exists(destination + ".part"));
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(new DownloadProgress(TinyBytes, TinyBytes, 0), reports[^1]);
    }

    [SharedDataFact]
    public async Task An_interrupted_download_resumes_with_a_range_request()
    {
        var destination = Path.Combine(_folder, "resumed.gguf");
        var firstPart = File.ReadAllBytes(SharedData.TinyModel).AsSpan(0, 700_000).ToArray();
        await File.WriteAllBytesAsync(destination + ".part", firstPart);

        var result = await new ModelDownloader(_http).DownloadAsync(server.TinyModelUrl, destination, TinySha256);

        Assert.Equal(700_000, result.ResumedFrom);
        Assert.Contains("bytes=700000-", server.Ranges);
        Assert.Equal(TinySha256, result.Sha256);
        Assert.Equal(File.ReadAllBytes(SharedData.TinyModel), File.ReadAllBytes(destination));
        Assert.False(File.Exists(destination + ".part"));
    }

    [SharedDataFact]
    public async Task A_checksum_mismatch_leaves_no_file_behind()
    {
        var destination = Path.Combine(_folder, "bad.gguf");

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            new ModelDownloader(_http).DownloadAsync(server.TinyModelUrl, destination, new string('0', 64)));

        Assert.Contains("Checksum mismatch", error.Message);
        Assert.Contains(TinySha256, error.Message);
        Assert.False(File.Exists(destination));
        Assert.False(File.Exists(destination + ".part"));
    }

    [SharedDataFact]
    public async Task A_page_that_is_not_a_model_is_not_kept()
    {
        var destination = Path.Combine(_folder, "page.gguf");

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(server.NotAModelUrl, destination));

        Assert.Contains("not return a GGUF", error.Message);
        Assert.False(File.Exists(destination));
        Assert.False(File.Exists(destination + ".part"));
    }

    [SharedDataFact]
    public void Inspect_reads_the_tiny_models_header()
    {
        var info = GgufModelInfo.Read(SharedData.TinyModel);

        Assert.Equal("llama", info.Architecture);
        Assert.Equal(513_048, info.Parameters);
        Assert.Equal(4096, info.ContextLength);
        Assert.Equal("F16", info.Quantization);
        Assert.Equal(8, info.EmbeddingLength);
        Assert.Equal(32_000, info.VocabularySize);
        Assert.False(info.HasChatTemplate);
        Assert.Equal(12, info.Tensors);
        Assert.Equal(3u, info.GgufVersion);
    }

    [Fact]
    public void A_file_that_is_not_gguf_is_reported_as_such()
    {
        var path = Path.Combine(_folder, "model.safetensors");
        File.WriteAllText(path, "{\"not\": \"gguf\"}");

        var error = Assert.Throws<InvalidDataException>(() => GgufModelInfo.Read(path));

        Assert.Contains("GGUF", error.Message);
    }

    [Fact]
    public void The_catalogue_has_chat_embedding_and_reranker_presets_with_honest_checksums()
    {
        var presets = ModelCatalog.All;

        Assert.Equal(presets.Count, presets.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(presets, p => p.Capability == ModelCapability.Chat);
        Assert.Contains(presets, p => p.Capability == ModelCapability.Embedding);
        Assert.Contains(presets, p => p.Capability == ModelCapability.Reranker);
        Assert.All(presets, p =>
        {
            Assert.Equal("https", p.Url.Scheme);
            if (p.FileName.EndsWith(".onnx", StringComparison.Ordinal))
            {
                // An ONNX export keeps its repository's name (onnx/model.onnx) and is saved under the preset's, with its vocabulary.
                Assert.Equal(ModelCapability.Embedding, p.Capability);
                Assert.EndsWith("/onnx/model.onnx", p.Url.AbsolutePath, StringComparison.Ordinal);
                var vocabulary = Assert.Single(p.Companions);
                Assert.Equal(Path.GetFileNameWithoutExtension(p.FileName) + ".vocab.txt", vocabulary.FileName);
                Assert.EndsWith("/vocab.txt", vocabulary.Url.AbsolutePath, StringComparison.Ordinal);
            }
            else
            {
                Assert.EndsWith(".gguf", p.FileName, StringComparison.Ordinal);
                Assert.EndsWith(p.FileName, p.Url.AbsolutePath, StringComparison.Ordinal);
                Assert.Empty(p.Companions);
            }

            Assert.True(p.Sha256 is null || (p.Sha256.Length == 64 && p.Sha256.All(Uri.IsHexDigit)), p.Name);
            Assert.False(string.IsNullOrWhiteSpace(p.ChecksumNote));
        });
        Assert.All(presets.Where(p => p.Capability == ModelCapability.Embedding), p =>
        {
            Assert.NotNull(p.Pooling);
            Assert.True(p.Normalize);
            Assert.NotNull(p.EmbeddingDimensions);
        });
        Assert.Equal(("query: ", "passage: "), (ModelCatalog.Find("e5-small-v2-onnx")?.QueryPrefix, ModelCatalog.Find("e5-small-v2-onnx")?.DocumentPrefix));
        Assert.Equal("Represent this sentence for searching relevant passages: ", ModelCatalog.Find("bge-small-en-v1.5-onnx")?.QueryPrefix);
        Assert.Equal(("cls", "apache-2.0"), (ModelCatalog.Find("bge-small-en-v1.5-onnx")?.Pooling, ModelCatalog.Find("all-minilm-l6-v2-onnx")?.License));
        var nomic = ModelCatalog.Find("NOMIC-embed-text-v1.5");
        Assert.Equal("search_query: ", nomic?.QueryPrefix);
        Assert.Equal("search_document: ", nomic?.DocumentPrefix);
    }

    [SharedDataTheory]
    [InlineData(GgmlType.Q8_0, "Q8_0")]
    [InlineData(GgmlType.Q4_0, "Q4_0")]
    public async Task A_random_weight_llama_model_written_here_loads_and_generates(GgmlType matrices, string quantization)
    {
        var path = Path.Combine(_folder, "random.gguf");
        RandomLlamaModel.Write(path, new LlamaShape(EmbeddingLength: 64, Layers: 2, Heads: 4, KvHeads: 2, FeedForwardLength: 128), SharedData.TinyModel,
            matrices: matrices);

        var info = GgufModelInfo.Read(path);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal(quantization, info.Quantization);
        Assert.Equal(32_000, info.VocabularySize);
        Assert.Equal(64L * 32_000 + 2 * (64 * 64 * 2 + 64 * 32 * 2 + 3 * 64 * 128 + 2 * 64) + 64, info.Parameters);

        await using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Chat:Path"] = path,
            ["Models:Chat:ContextSize"] = "256",
            ["Inference:Chat:MaxConcurrent"] = "2",
        });
        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 5 });
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 5);
    }

    [Fact]
    public void The_benchmark_model_has_about_a_hundred_million_parameters()
    {
        var s = LlamaShape.Small100M;
        var perLayer = 4L * s.EmbeddingLength * s.EmbeddingLength + 3L * s.EmbeddingLength * s.FeedForwardLength;
        var total = 32_000L * s.EmbeddingLength + s.Layers * perLayer;
        Assert.InRange(total, 90_000_000, 130_000_000);
    }

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private sealed class SyncProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
