using PrivateRag.Inference;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

using PrivateRag.Tests;

namespace PrivateRag.Inference.Server.Tests;

/// <summary>The inference server with an ONNX embedder: warmed up at start, served on /v1/embeddings like a GGUF one.</summary>
public sealed class OnnxServerTests
{
    [PackagedModelFact]
    public async Task The_server_loads_the_onnx_embedder_at_start_and_serves_its_vectors()
    {
        await using var factory = new InferenceServerFactory(new Dictionary<string, string?>
        {
            ["Models:Embedding:Path"] = PackagedModel.MiniLM.ModelPath,
            ["Models:Embedding:BatchSize"] = "512",
        });
        using var client = factory.CreateClientWithKey();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode ready;
        while ((ready = (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var status = factory.Services.GetRequiredService<InferenceStatus>().Embedding;
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(384, status.EmbeddingDimensions); // known from the session's output before any request

        var response = await client.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "first text", "second text" }, model = "x" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(body.GetProperty("data").EnumerateArray(), d => Assert.Equal(384, d.GetProperty("embedding").GetArrayLength()));
    }
}
