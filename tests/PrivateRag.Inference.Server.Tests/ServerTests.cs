using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Runtime.CompilerServices;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Testing;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Server.Tests;

public sealed class SharedServer : IDisposable
{
    public InferenceServerFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}

public sealed class ServerTests(SharedServer server) : IClassFixture<SharedServer>
{
    /// <summary>
    /// How far one text's embedding may differ between two calls. The float and base64 requests are separate model
    /// calls with different batches (two inputs, then one); llama.cpp sums in another order for another batch shape,
    /// so the same text's vector can differ in its last bits (seen: 0.0258103851 vs 0.0258103907). A wrong encoding
    /// (other width, byte order or element count) is off by far more than this.
    /// </summary>
    private const float EmbeddingTolerance = 1e-4f;

    /// <summary>How long a test waits for the server to reach a state: generous for a loaded two-core machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static readonly object Hello = new
    {
        model = "llama-2-tiny-random.gguf",
        messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "Hello!" } },
        max_tokens = 8,
    };

    [SharedDataFact]
    public async Task Calls_without_a_valid_key_are_refused()
    {
        using var anonymous = server.Factory.CreateClientWithKey(null);
        using var wrong = server.Factory.CreateClientWithKey("test-inference-key-2");

        var none = await anonymous.PostAsJsonAsync("/v1/chat/completions", Hello);
        var bad = await wrong.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("invalid_api_key", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [SharedDataFact]
    public async Task Chat_completions_answer_with_usage()
    {
        using var client = server.Factory.CreateClientWithKey();

        var response = await client.PostAsJsonAsync("/v1/chat/completions", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        Assert.InRange(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 8);
    }

    [SharedDataFact]
    public async Task Streamed_chat_sends_chunks_and_ends_with_done()
    {
        using var client = server.Factory.CreateClientWithKey();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 8, stream = true, stream_options = new { include_usage = true } }),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : ""));
        Assert.NotEmpty(text);
        Assert.Contains(chunks, c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String);
        Assert.InRange(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 8);
    }

    [SharedDataFact]
    public async Task Eight_concurrent_streams_complete_over_http()
    {
        using var client = server.Factory.CreateClientWithKey();

        var bodies = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = $"Question {i}" } }, max_tokens = 24, stream = true, user = $"u{i}" }),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(bodies, b => Assert.EndsWith("data: [DONE]\n\n", b, StringComparison.Ordinal));
    }

    [SharedDataFact]
    public async Task Embeddings_come_back_one_per_input_as_floats_or_base64()
    {
        using var client = server.Factory.CreateClientWithKey();

        var floats = await (await client.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "first text", "second text" }, model = "x" })).Content.ReadFromJsonAsync<JsonElement>();
        var base64 = await (await client.PostAsJsonAsync("/v1/embeddings", new { input = "first text", encoding_format = "base64" })).Content.ReadFromJsonAsync<JsonElement>();

        var data = floats.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        var vector = data[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(8, vector.Length);
        var decoded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!)).ToArray();
        Assert.Equal(vector.Length, decoded.Length);
        Assert.Equal(vector, decoded, (a, b) => Math.Abs(a - b) <= EmbeddingTolerance);
        Assert.True(floats.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [SharedDataFact]
    public async Task Models_lists_the_chat_and_embedding_models_and_the_server_becomes_ready()
    {
        using var client = server.Factory.CreateClientWithKey();

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal(["chat", "embedding"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("capability").GetString()));
        Assert.All(models.GetProperty("data").EnumerateArray(), m => Assert.Equal("llama-2-tiny-random.gguf", m.GetProperty("id").GetString()));
        var deadline = DateTime.UtcNow + Wait;
        HttpStatusCode ready;
        while ((ready = (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(HttpStatusCode.OK, ready);
    }

    [SharedDataFact]
    public async Task A_client_that_disconnects_frees_its_slot_and_a_busy_server_says_when_to_retry()
    {
        // The first request's start holds the scheduler (before its first token): it provably occupies the only
        // sequence while the test works, however fast or loaded the machine; a free-running 4000-token stream could end
        // by itself first on a fast machine, or the test be too slow to catch it on a loaded one.
        var gate = new SchedulerGate();
        FirstRequestGated? gated = null;
        await using var factory = new InferenceServerFactory(
            new Dictionary<string, string?>
            {
                ["Inference:Chat:MaxConcurrent"] = "1",
                ["Inference:Chat:MaxQueue"] = "0",
                // max_tokens is held to this ceiling: allow the long answer that keeps the slot busy.
                ["Models:Chat:MaxOutputTokens"] = "4000",
            },
            services => Decorate(services, chat => gated = new FirstRequestGated(chat, gate)));
        using var client = factory.CreateClientWithKey();
        var status = factory.Services.GetRequiredService<IChatSchedulerStatus>();
        var generated = factory.Services.GetRequiredService<GenerationThroughput>();
        using var releaseFirst = gate; // released before the factory is disposed: a failing test must not leave the scheduler held

        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "Talk for a long time." } }, max_tokens = 4000, stream = true }),
        };
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await gate.Started.WaitAsync(Wait);
        Assert.Equal(1, status.Active);

        var busy = await client.PostAsJsonAsync("/v1/chat/completions", Hello);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.True(busy.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // The client goes away while its request holds the sequence; the server lets go of the stream.
        await cts.CancelAsync();
        try
        {
            (await sending).Dispose(); // the in-memory server may still hand over what it had; the client has left
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
        }

        await gated!.Abandoned.WaitAsync(Wait);
        gate.Release();

        var deadline = DateTime.UtcNow + Wait;
        while (status.Active > 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(0, status.Active);
        Assert.Equal(0, generated.TotalTokens); // freed because the client left, not because the stream ran out
        var next = await client.PostAsJsonAsync("/v1/chat/completions", Hello);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    /// <summary>Replaces the registered <see cref="IChatClient"/> with <paramref name="decorate"/> of it.</summary>
    private static void Decorate(IServiceCollection services, Func<IChatClient, IChatClient> decorate)
    {
        var original = services.Last(d => d.ServiceType == typeof(IChatClient) && !d.IsKeyedService);
        services.AddSingleton(sp => decorate(original switch
        {
            { ImplementationInstance: IChatClient instance } => instance,
            { ImplementationFactory: { } create } => (IChatClient)create(sp),
            _ => (IChatClient)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!),
        }));
    }

    /// <summary>Puts <paramref name="gate"/> on the first request's scheduling and says when the server let go of that stream.</summary>
    private sealed class FirstRequestGated(IChatClient inner, SchedulerGate gate) : DelegatingChatClient(inner)
    {
        private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public Task Abandoned => _abandoned.Task;

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var first = Interlocked.Increment(ref _requests) == 1;
            if (first)
            {
                options = options?.Clone() ?? new ChatOptions();
                options.AdditionalProperties ??= [];
                options.AdditionalProperties[ChatScheduling.QueueProgressKey] = gate;
            }

            try
            {
                await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
                    yield return update;
            }
            finally
            {
                if (first) _abandoned.TrySetResult();
            }
        }
    }

    [SharedDataFact]
    public async Task The_app_reaches_the_server_through_the_remote_endpoint_settings()
    {
        _ = server.Factory.Server; // started
        var settings = new Dictionary<string, string?>
        {
            ["Models:Chat:Endpoint"] = new Uri(server.Factory.Server.BaseAddress, "v1").ToString(),
            ["Models:Chat:ModelName"] = "llama-2-tiny-random.gguf",
            ["Models:Chat:ApiKey"] = InferenceServerFactory.Key,
            ["Models:Chat:MaxOutputTokens"] = "6",
            ["Models:Embedding:Endpoint"] = new Uri(server.Factory.Server.BaseAddress, "v1").ToString(),
            ["Models:Embedding:ModelName"] = "llama-2-tiny-random.gguf",
            ["Models:Embedding:ApiKey"] = InferenceServerFactory.Key,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPrivateRagInference(configuration);
        services.AddHttpClient(InferenceServiceCollectionExtensions.RemoteHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => server.Factory.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();
        var embeddings = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var answer = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")]);
        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello")]))
            streamed.Add(update);
        var vectors = await embeddings.GenerateAsync(["one", "two"]);

        Assert.False(string.IsNullOrEmpty(answer.Text));
        Assert.InRange(answer.Usage?.OutputTokenCount ?? 0, 1, 6);
        Assert.NotEmpty(string.Concat(streamed.Select(u => u.Text)));
        Assert.Equal(2, vectors.Count);
        Assert.Equal(8, vectors[0].Vector.Length);
        Assert.Equal(1, Math.Sqrt(vectors[0].Vector.ToArray().Sum(x => (double)x * x)), 3); // normalised by the server
    }
}
