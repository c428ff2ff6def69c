using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Retrieval;
using PrivateRag.Tests;

namespace PrivateRag.Web.Tests.Api;

/// <summary>
/// The whole spine on the real LLamaSharp path: the tiny random-weight GGUF embeds chunks and queries and generates
/// the streamed answer. Its output is gibberish, so these tests check the wiring, not the wording.
/// </summary>
public sealed class LocalModelEndToEndTests : IAsyncLifetime
{
    private PrivateRagAppFactory? _app;

    public Task InitializeAsync()
    {
        if (SharedData.Available)
        {
            _app = new PrivateRagAppFactory(new Dictionary<string, string?>
            {
                ["Models:Embedding:Path"] = SharedData.TinyModel,
                ["Models:Embedding:ContextSize"] = "512",
                ["Models:Chat:Path"] = SharedData.TinyModel,
                ["Models:Chat:ContextSize"] = "2048",
                ["Models:Chat:MaxOutputTokens"] = "24",
            });
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [SharedDataFact]
    public async Task Chunks_are_embedded_retrieval_is_hybrid_and_the_answer_is_generated_and_streamed()
    {
        var client = _app!.CreateClientWithKey();
        var collection = await client.CreateCollectionAsync("models");
        var uploaded = await client.UploadAsync(collection,
            ("policy.md", Encoding.UTF8.GetBytes("# Expenses\n\nMeals while travelling are reimbursed up to forty euros a day.\n\n# Equipment\n\nLaptops are replaced every three years.\n")));
        var doc = await client.WaitForDocumentAsync(uploaded[0].GetProperty("id").GetGuid());
        Assert.Equal("indexed", doc.GetProperty("status").GetString());

        var retriever = _app.Services.GetRequiredService<IRetriever>();
        Assert.True(retriever.IsHybrid);
        Assert.NotNull(_app.Services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());

        var search = await (await client.PostAsJsonAsync("/api/search", new { query = "meal reimbursement" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("hybrid", search.GetProperty("mode").GetString());
        Assert.True(search.GetProperty("results").GetArrayLength() > 0);

        var response = await client.PostAsJsonAsync("/api/chat", new { message = "How much is reimbursed for meals?" });
        var body = await response.Content.ReadAsStringAsync();
        var events = body.Split('\n').Where(l => l.StartsWith("event: ")).Select(l => l[7..]).ToList();
        Assert.Equal("started", events[0]);
        Assert.True(events.Count(e => e == "delta") >= 2, "the model's tokens arrive as separate deltas");
        Assert.Contains("citations", events);
        Assert.Equal("done", events[^1]);
        Assert.Contains("policy.md", body);
        Assert.DoesNotContain("\"mode\":\"extractive\"", body);
    }
}
