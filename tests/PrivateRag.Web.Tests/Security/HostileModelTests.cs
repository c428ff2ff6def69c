using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using PrivateRag.Testing;
using PrivateRag.Tests;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

/// <summary>
/// A stand-in for a prompt-injected model: an OpenAI-compatible chat endpoint on loopback (a stand-in at a boundary that
/// cannot run here: no chat-model weights exist) that answers with hostile Markdown in pieces of a few characters. The
/// app calls it through its real remote chat path; the JSON answer, the SSE deltas (every prefix a client shows), the
/// "done" answer and the stored turn must carry nothing that loads or links outside the app.
/// </summary>
public sealed class HostileModelTests : IAsyncLifetime
{
    private WebApplication? _model;
    private PrivateRagAppFactory? _app;

    /// <summary>The hostile answers joined into one reply, so one question exercises every construct.</summary>
    private static readonly string Reply = "Answer [1]. " + string.Join("\n\n", HostileMarkdown.Answers);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _model = builder.Build();
        _model.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            using var request = await JsonDocument.ParseAsync(http.Request.Body);
            var stream = request.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
            if (!stream)
            {
                await http.Response.WriteAsJsonAsync(Completion(Reply));
                return;
            }
            http.Response.ContentType = "text/event-stream";
            // Pieces of 1 to 7 characters: constructs are split everywhere, including inside labels and URLs.
            for (int at = 0, n = 0; at < Reply.Length; n++)
            {
                var size = 1 + n % 7;
                var piece = Reply.Substring(at, Math.Min(size, Reply.Length - at));
                at += piece.Length;
                await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(Chunk(piece))}\n\n");
                await http.Response.Body.FlushAsync();
            }
            await http.Response.WriteAsync("data: [DONE]\n\n");
        });
        await _model.StartAsync();
        _app = new PrivateRagAppFactory(new Dictionary<string, string?>
        {
            ["Models:Chat:Endpoint"] = _model.Urls.First() + "/v1",
            ["Models:Chat:ModelName"] = "hostile-stand-in",
        });
    }

    private static object Completion(string text) => new
    {
        id = "c1", @object = "chat.completion", created = 1, model = "hostile-stand-in",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
    };

    private static object Chunk(string text) => new
    {
        id = "c1", @object = "chat.completion.chunk", created = 1, model = "hostile-stand-in",
        choices = new[] { new { index = 0, delta = new { content = text }, finish_reason = (string?)null } },
    };

    private async Task<HttpClient> ClientWithADocumentAsync()
    {
        var client = _app!.CreateClientWithKey();
        var collection = await client.CreateCollectionAsync("handbook", new { everyone = true });
        var uploaded = await client.UploadAsync(collection, ("travel.md", Encoding.UTF8.GetBytes("# Travel\n\nTravel is booked through the travel desk.")));
        var doc = await client.WaitForDocumentAsync(uploaded[0].GetProperty("id").GetGuid());
        Assert.Equal("indexed", doc.GetProperty("status").GetString());
        return client;
    }

    [Fact]
    public async Task The_json_answer_and_the_stored_turn_carry_nothing_that_calls_out()
    {
        using var client = await ClientWithADocumentAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "How is travel booked?" }) };
        request.Headers.Accept.ParseAdd("application/json");
        var response = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var answer = response.GetProperty("answer").GetString()!;

        Assert.Contains("Answer", answer, StringComparison.Ordinal); // the model's reply came through
        Assert.Null(HostileMarkdown.Leak(answer));
        await AssertStoredTurnIsCleanAsync(client, response.GetProperty("conversationId").GetGuid(), answer);
    }

    [Fact]
    public async Task Every_streamed_prefix_and_the_done_answer_carry_nothing_that_calls_out()
    {
        using var client = await ClientWithADocumentAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "How is travel booked?" }) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var shown = new StringBuilder();
        string? done = null, conversation = null, kind = null;
        var deltas = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var data = JsonDocument.Parse(line[6..]);
                if (kind == "delta")
                {
                    shown.Append(data.RootElement.GetProperty("text").GetString());
                    deltas++;
                    Assert.True(HostileMarkdown.Leak(shown.ToString()) is null, $"after delta {deltas}: {shown}");
                }
                else if (kind == "done")
                {
                    done = data.RootElement.GetProperty("answer").GetString();
                    conversation = data.RootElement.GetProperty("conversationId").GetString();
                }
            }
        }

        Assert.True(deltas > 10, "the answer was streamed in pieces");
        Assert.NotNull(done);
        Assert.Null(HostileMarkdown.Leak(done!));
        await AssertStoredTurnIsCleanAsync(client, Guid.Parse(conversation!), done!);
    }

    private static async Task AssertStoredTurnIsCleanAsync(HttpClient client, Guid conversationId, string answer)
    {
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        var texts = stored.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray() : [])
            .SelectMany(turn => turn.ValueKind == JsonValueKind.Object ? turn.EnumerateObject() : [])
            .Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!).ToList();
        Assert.Contains(answer, texts);
        Assert.All(texts, t => Assert.Null(HostileMarkdown.Leak(t)));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_model is not null) await _model.DisposeAsync();
    }
}
