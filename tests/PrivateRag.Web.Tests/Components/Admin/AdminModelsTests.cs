using System.Net;
using System.Net.Sockets;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference;
using PrivateRag.Inference.Catalog;
using PrivateRag.Tests;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Admin.Models;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminModelsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    // Loading the model and streaming the 128-token test reply took 27 s alone on a loaded two-core machine and over
    // 60 s once while every other test assembly ran beside it: the reply gets its own, longer bound.
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(180);

    private readonly string _downloads = Directory.CreateTempSubdirectory("privaterag-web-models-").FullName;

    private PrivateRagTestContext Context(IDictionary<string, string?>? models = null, HttpMessageHandler? hub = null, bool admin = true)
    {
        var settings = new Dictionary<string, string?>(models ?? new Dictionary<string, string?>()) { ["Models:DownloadDirectory"] = _downloads };
        return new PrivateRagTestContext(signedInAsAdmin: admin, settings: settings, configureServices: (services, configuration) =>
        {
            services.AddPrivateRagModelDownloads();
            // The hub is simulated in-process: these tests never send traffic off this machine.
            if (hub is not null) services.AddHttpClient(ModelDownloads.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => hub);
        });
    }

    [Fact]
    public async Task Without_models_the_page_says_no_chat_model_is_configured_and_still_offers_the_catalogue()
    {
        await using var ctx = Context();

        var cut = ctx.Render<AdminModels>();

        Assert.Contains("No chat model is configured", cut.Find("[data-testid=models-no-chat]").TextContent, StringComparison.Ordinal);
        Assert.All(new[] { "chat", "embedding", "reranker" }, capability =>
            Assert.Equal("off", cut.Find($"[data-testid=model-{capability}]").GetAttribute("data-state")));
        Assert.NotNull(cut.Find("[data-testid=models-test-unavailable]"));
        Assert.NotNull(cut.Find("[data-testid=models-live-unavailable]"));
        Assert.Equal(ModelCatalog.All.Count, cut.FindAll("[data-testid=catalog-row]").Count);
        Assert.Equal(ModelCatalog.All.Count, cut.FindAll("[data-testid=download-start]").Count);
        Assert.Contains(_downloads, cut.Find("[data-testid=models-folder]").TextContent, StringComparison.Ordinal);
        var config = Assert.Single(cut.FindAll("[data-testid=config-row]"), r => r.TextContent.Contains("Models:DownloadDirectory", StringComparison.Ordinal));
        Assert.Contains("Models__DownloadDirectory", config.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_no_model_information()
    {
        await using var ctx = Context(admin: false);
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/models");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.Contains("do not have access", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=admin-models]"));
        Assert.DoesNotContain("Models:DownloadDirectory", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(_downloads, cut.Markup, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task A_local_chat_model_shows_its_file_facts_answers_the_test_prompt_and_then_shows_as_loaded()
    {
        await using var ctx = Context(new Dictionary<string, string?>
        {
            ["Models:Chat:Path"] = SharedData.TinyModel,
            ["Models:Chat:ContextSize"] = "256",
            ["Models:Chat:Threads"] = "1",
            ["Inference:Chat:MaxConcurrent"] = "2",
        });

        var cut = ctx.Render<AdminModels>(p => p.Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(200)));

        Assert.Empty(cut.FindAll("[data-testid=models-no-chat]"));
        var chat = cut.Find("[data-testid=model-chat]");
        Assert.Equal("idle", chat.GetAttribute("data-state"));
        Assert.Equal("llama", chat.QuerySelector("[data-testid=model-architecture]")!.TextContent);
        Assert.Equal("1.7 MB", chat.QuerySelector("[data-testid=model-file-size]")!.TextContent);
        Assert.Contains("256 tokens × 2 conversations", chat.TextContent, StringComparison.Ordinal);
        Assert.Contains("KV cache", chat.QuerySelector("[data-testid=model-memory]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("0 of 2 sequences in use", cut.Find("[data-testid=models-scheduler]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=models-test-prompt]").Input("Say hello");
        await cut.InvokeAsync(() => cut.Find("form.models-test-form").Submit());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("false", cut.Find("[data-testid=models-test-reply]").GetAttribute("data-streaming"));
            Assert.Matches(@"First token after [\d,]+ ms; [\d.]+ tokens/s; [1-9]\d* tokens", cut.Find("[data-testid=models-test-stats]").TextContent);
        }, ReplyWait);
        Assert.False(string.IsNullOrEmpty(cut.Find("[data-testid=models-test-reply]").TextContent));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("loaded", cut.Find("[data-testid=model-chat]").GetAttribute("data-state"));
            Assert.Contains("(as loaded)", cut.Find("[data-testid=model-chat] [data-testid=model-memory]").TextContent, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"Average 0\.0 tokens/s", cut.Find("[data-testid=models-throughput]").TextContent);
        }, Wait);
    }

    [Fact]
    public async Task A_download_shows_live_progress_and_then_the_configuration_to_use_it()
    {
        var hub = new SlowGgufHub();
        await using var ctx = Context(hub: hub);
        var cut = ctx.Render<AdminModels>();
        var row = () => cut.Find("[data-testid=catalog-row][data-name='bge-small-en-v1.5']");

        await cut.InvokeAsync(() => row().QuerySelector("[data-testid=download-start]")!.Click());

        // The hub holds the second half until the page has shown the download running, on a slow machine too.
        cut.WaitForAssertion(() =>
            Assert.Matches(@"of 2\.0 MB \(\d+\.\d %\) at", row().QuerySelector("[data-testid=download-text]")!.TextContent), Wait);
        Assert.NotNull(row().QuerySelector("[data-testid=download-progress]"));
        hub.Release();
        cut.WaitForAssertion(() => Assert.NotNull(row().QuerySelector("[data-testid=download-done]")), Wait);
        var destination = Path.Combine(_downloads, "bge-small-en-v1.5-q8_0.gguf");
        Assert.Contains($"Models:Embedding:Path={destination}", row().TextContent, StringComparison.Ordinal);
        Assert.True(File.Exists(destination));
    }

    [Fact]
    public async Task Without_internet_a_download_fails_with_an_error_that_says_so_and_what_to_do()
    {
        await using var ctx = Context(hub: new UnresolvableHub());
        var cut = ctx.Render<AdminModels>();
        var row = () => cut.Find("[data-testid=catalog-row][data-name='qwen2.5-3b-instruct']");

        await cut.InvokeAsync(() => row().QuerySelector("[data-testid=download-start]")!.Click());

        cut.WaitForAssertion(() =>
        {
            var error = row().QuerySelector("[data-testid=download-error]")?.TextContent ?? "";
            Assert.Contains("Cannot reach huggingface.co", error, StringComparison.Ordinal);
            Assert.Contains("no internet access", error, StringComparison.Ordinal);
            Assert.Contains(_downloads, error, StringComparison.Ordinal);
        }, Wait);
        Assert.NotNull(row().QuerySelector("[data-testid=download-start]")); // it can be tried again
    }

    public void Dispose()
    {
        try { Directory.Delete(_downloads, recursive: true); } catch (IOException) { }
    }

    /// <summary>A hub whose name does not resolve, as on a server without internet access.</summary>
    private sealed class UnresolvableHub : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Name or service not known ({request.RequestUri!.Host}:443)",
                new SocketException((int)SocketError.HostNotFound));
    }

    /// <summary>
    /// Serves a 2 MB GGUF-looking file in 64 KB pieces, 40 ms apart, and holds the second half until
    /// <see cref="Release"/>: the download is certainly running while the test looks at its progress.
    /// </summary>
    private sealed class SlowGgufHub : HttpMessageHandler
    {
        private const int Size = 2 * 1024 * 1024;

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = new byte[Size];
            "GGUF"u8.CopyTo(body);
            var content = new StreamContent(new SlowStream(body, _released.Task));
            content.Headers.ContentLength = Size;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }

        protected override void Dispose(bool disposing)
        {
            Release();
            base.Dispose(disposing);
        }

        private sealed class SlowStream(byte[] data, Task released) : MemoryStream(data)
        {
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await Task.Delay(40, cancellationToken);
                if (Position >= Size / 2) await released.WaitAsync(cancellationToken);
                return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
            }
        }
    }
}
