using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateRag.Inference.Catalog;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

/// <summary>The admin page's background downloads, against a local server serving the tiny model.</summary>
public sealed class ModelDownloadsTests(ModelFileServer server) : IClassFixture<ModelFileServer>, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("privaterag-downloads-").FullName;
    private readonly HttpClient _http = new();

    private static ModelPreset Tiny(Uri url, string? sha256 = ModelManagementTests.TinySha256) => new(
        "tiny-test", ModelCapability.Chat, "The tiny random llama model, from a local server.", url, "tiny-test.gguf",
        ModelManagementTests.TinyBytes, sha256, "pinned for the test", "test", 512);

    private ModelPreset OnnxPreset(string repository) => new(
        "onnx-test", ModelCapability.Embedding, "A two-file ONNX embedder from a local server.", new Uri(server.Address, $"/{repository}/onnx/model.onnx"),
        "onnx-test.onnx", null, null, "not pinned", "test", 256)
    {
        Pooling = "cls",
        Companions = [new ModelCompanion(new Uri(server.Address, $"/{repository}/vocab.txt"), "onnx-test.vocab.txt")],
    };

    [Fact]
    public async Task An_onnx_preset_downloads_its_vocabulary_beside_it_and_is_present_only_with_both()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);
        var preset = OnnxPreset("repo");

        downloads.Start(preset);
        var done = await WaitForEndAsync(downloads, "onnx-test");

        Assert.Equal(ModelDownloadStatus.Completed, done.Status);
        Assert.Equal(ModelFileServer.OnnxBytes, File.ReadAllBytes(Path.Combine(_folder, "onnx-test.onnx")));
        Assert.Equal(ModelFileServer.VocabularyText, File.ReadAllText(Path.Combine(_folder, "onnx-test.vocab.txt")));
        Assert.True(downloads.IsPresent(preset));
        File.Delete(Path.Combine(_folder, "onnx-test.vocab.txt"));
        Assert.False(downloads.IsPresent(preset));
        // The provider finds NAME.vocab.txt beside NAME.onnx; the hint carries what the .onnx file does not say.
        var hint = ModelFiles.ConfigurationHint(preset, Path.Combine(_folder, "onnx-test.onnx"));
        Assert.Contains("Models:Embedding:Pooling=cls", hint);
        Assert.Contains("Models:Embedding:MaxTokens=256", hint);
    }

    [Fact]
    public async Task A_companion_that_is_a_web_page_fails_the_download_and_leaves_no_file()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);

        downloads.Start(OnnxPreset("gated"));
        var done = await WaitForEndAsync(downloads, "onnx-test");

        Assert.Equal(ModelDownloadStatus.Failed, done.Status);
        Assert.Contains("did not return a text file", done.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "onnx-test.vocab.txt")));
        Assert.False(File.Exists(Path.Combine(_folder, "onnx-test.vocab.txt.part")));
    }

    [SharedDataFact]
    public async Task A_download_runs_in_the_background_reports_progress_and_lands_where_models_pull_puts_it()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);
        var seen = new List<ModelDownloadState>();
        downloads.Changed += () =>
        {
            var state = downloads.Find("tiny-test");
            if (state is not null) lock (seen) seen.Add(state);
        };

        var started = downloads.Start(Tiny(server.SlowTinyModelUrl));
        var again = downloads.Start(Tiny(server.SlowTinyModelUrl));

        Assert.Equal(ModelDownloadStatus.Running, started.Status);
        Assert.Equal(started.StartedAt, again.StartedAt); // the same file is not downloaded twice at once
        Assert.Single(downloads.All);
        var done = await WaitForEndAsync(downloads, "tiny-test");

        Assert.Equal(ModelDownloadStatus.Completed, done.Status);
        Assert.Null(done.Error);
        Assert.True(done.Verified);
        Assert.Equal(ModelManagementTests.TinySha256, done.Sha256);
        Assert.Equal(100, done.Percent);
        var expected = ModelFiles.Destination(_folder, "tiny-test.gguf");
        Assert.Equal(expected, done.Destination);
        Assert.Equal(File.ReadAllBytes(SharedData.TinyModel), File.ReadAllBytes(expected));
        Assert.False(File.Exists(expected + ".part"));
        Assert.True(downloads.IsPresent(Tiny(server.SlowTinyModelUrl)));

        ModelDownloadState[] observed;
        lock (seen) observed = [.. seen];
        var running = observed.Where(s => s.Status == ModelDownloadStatus.Running).ToList();
        Assert.Contains(running, s => s.Bytes > 0 && s.Bytes < ModelManagementTests.TinyBytes);
        Assert.Contains(running, s => s.BytesPerSecond > 0);
        Assert.All(running, s => Assert.Equal(ModelManagementTests.TinyBytes, s.TotalBytes));
    }

    [SharedDataFact]
    public async Task A_file_already_in_the_folder_is_checked_not_downloaded_again()
    {
        File.Copy(SharedData.TinyModel, Path.Combine(_folder, "tiny-test.gguf"));
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);

        downloads.Start(Tiny(server.TinyModelUrl));
        var done = await WaitForEndAsync(downloads, "tiny-test");

        Assert.Equal(ModelDownloadStatus.Completed, done.Status);
        Assert.True(done.AlreadyPresent);
    }

    [SharedDataFact]
    public async Task A_checksum_mismatch_is_reported_and_leaves_no_file()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);

        downloads.Start(Tiny(server.TinyModelUrl, sha256: new string('0', 64)));
        var done = await WaitForEndAsync(downloads, "tiny-test");

        Assert.Equal(ModelDownloadStatus.Failed, done.Status);
        Assert.Contains("Checksum mismatch", done.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [SharedDataFact]
    public async Task A_cancelled_download_keeps_its_part_file_and_the_next_one_resumes()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);
        // The server stops sending part-way, so the download is still running when it is cancelled, on any machine.
        var preset = Tiny(server.StalledTinyModelUrl);
        var part = ModelFiles.Destination(_folder, preset.FileName) + ".part";

        downloads.Start(preset);
        var until = DateTime.UtcNow + Wait;
        while (!(File.Exists(part) && new FileInfo(part).Length > 0) && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(File.Exists(part) && new FileInfo(part).Length > 0, "the download wrote nothing within the wait");
        Assert.True(downloads.Cancel("tiny-test"));
        var cancelled = await WaitForEndAsync(downloads, "tiny-test");
        Assert.Equal(ModelDownloadStatus.Cancelled, cancelled.Status);
        Assert.True(File.Exists(part));

        downloads.Start(Tiny(server.TinyModelUrl));
        var resumed = await WaitForEndAsync(downloads, "tiny-test");
        Assert.Equal(ModelDownloadStatus.Completed, resumed.Status);
        Assert.True(resumed.ResumedFrom > 0);
        Assert.Equal(File.ReadAllBytes(SharedData.TinyModel), File.ReadAllBytes(resumed.Destination));
    }

    [Fact]
    public async Task An_unreachable_server_gives_a_clear_error_that_says_what_to_do()
    {
        using var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);
        var closedPort = ClosedLoopbackPort();

        downloads.Start(Tiny(new Uri($"http://127.0.0.1:{closedPort}/models/tiny.gguf")));
        var done = await WaitForEndAsync(downloads, "tiny-test");

        Assert.Equal(ModelDownloadStatus.Failed, done.Status);
        Assert.StartsWith("Cannot connect to 127.0.0.1", done.Error, StringComparison.Ordinal);
        Assert.Contains("models pull tiny-test --url", done.Error, StringComparison.Ordinal);
        Assert.Contains(_folder, done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hub_name_that_does_not_resolve_is_explained_as_no_internet_access()
    {
        var preset = ModelCatalog.Find("qwen2.5-3b-instruct")!;
        var error = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (huggingface.co:443)",
            new SocketException((int)SocketError.HostNotFound));

        var message = ModelDownloads.Explain(error, preset, "/srv/models");

        Assert.StartsWith("Cannot reach huggingface.co: the name does not resolve, so this server probably has no internet access.", message, StringComparison.Ordinal);
        Assert.Contains("copy it to /srv/models", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_stopping_stops_the_downloads_and_no_new_one_starts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Models:DownloadDirectory"] = _folder });
        builder.AddPrivateRagInference();
        builder.Services.AddPrivateRagModelDownloads();
        using var host = builder.Build();
        var downloads = host.Services.GetRequiredService<ModelDownloads>();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Throws<ObjectDisposedException>(() => downloads.Start(Tiny(new Uri("http://127.0.0.1:9/tiny.gguf"))));
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var downloads = new ModelDownloads(_http, _folder, NullLogger<ModelDownloads>.Instance);
        downloads.Dispose();
        downloads.Dispose();
        Assert.Throws<ObjectDisposedException>(() => downloads.Start(Tiny(new Uri("http://127.0.0.1:9/tiny.gguf"))));
    }

    private static async Task<ModelDownloadState> WaitForEndAsync(ModelDownloads downloads, string name)
    {
        var until = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < until)
        {
            if (downloads.Find(name) is { IsActive: false } state) return state;
            await Task.Delay(20);
        }

        throw new TimeoutException($"The download of {name} did not end within {Wait}.");
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when the listener is disposed
    }

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
