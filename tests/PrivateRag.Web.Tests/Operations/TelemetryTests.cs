using System.Net;
using System.Net.Http.Json;
using System.Text;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Operations;

public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly PrivateRagAppFactory _app = new(new Dictionary<string, string?> { ["Telemetry:Prometheus"] = "true" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Prometheus_scrapes_ingestion_retrieval_and_answer_metrics()
    {
        var client = _app.CreateClientWithKey();
        var collection = await client.CreateCollectionAsync("t");
        var uploaded = await client.UploadAsync(collection, ("t.txt", Encoding.UTF8.GetBytes("Telemetry makes latency visible to operators.")));
        await client.WaitForDocumentAsync(uploaded[0].GetProperty("id").GetGuid());
        (await client.PostAsJsonAsync("/api/chat", new { message = "What makes latency visible?" })).EnsureSuccessStatusCode();

        var scrape = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("privaterag_retrieval_duration", text);
        Assert.Contains("privaterag_chat_time_to_first_token", text);
        Assert.Contains("privaterag_chat_duration", text);
    }
}
