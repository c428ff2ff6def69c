using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Server.Tests;

/// <summary>The inference server's caps (#16 item 6): output tokens, body size, requests per key.</summary>
public sealed class ServerLimitTests
{
    private static object Ask(int? maxTokens) => new
    {
        model = "x",
        messages = new object[] { new { role = "user", content = "Hello!" } },
        max_tokens = maxTokens,
    };

    [SharedDataFact]
    public async Task A_huge_max_tokens_is_held_to_the_configured_ceiling_and_zero_is_refused()
    {
        await using var factory = new InferenceServerFactory(); // Models:Chat:MaxOutputTokens = 16
        using var client = factory.CreateClientWithKey();

        var response = await client.PostAsJsonAsync("/v1/chat/completions", Ask(2_000_000_000));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage");
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 16);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/chat/completions", Ask(0))).StatusCode);
    }

    [SharedDataFact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_it_is_parsed()
    {
        await using var factory = new InferenceServerFactory(new Dictionary<string, string?> { ["Inference:Server:MaxRequestBytes"] = "65536" });
        using var client = factory.CreateClientWithKey();
        var prompt = new string('a', 3 * 1024 * 1024);

        foreach (var path in new[] { "/v1/chat/completions", "/v1/embeddings" })
        {
            var declared = await client.PostAsJsonAsync(path, new { model = "x", messages = new[] { new { role = "user", content = prompt } }, input = prompt });
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
            Assert.Equal("request_too_large", (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());

            // Without a declared length (chunked), the read stops at the limit.
            using var chunked = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"input\":\"{prompt}\"}}"))),
            };
            chunked.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            chunked.Headers.TransferEncodingChunked = true;
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked)).StatusCode);
        }
    }

    [SharedDataFact]
    public async Task Each_key_has_its_own_request_budget_and_a_refusal_says_when_to_retry()
    {
        await using var factory = new InferenceServerFactory(new Dictionary<string, string?> { ["Inference:Server:RequestsPerMinutePerKey"] = "3" });
        using var first = factory.CreateClientWithKey();
        using var second = factory.CreateClientWithKey("another-key");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("/v1/models", UriKind.Relative))).StatusCode);
        var refused = await first.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is given in seconds");
        Assert.Equal("rate_limit_exceeded", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(new Uri("/v1/models", UriKind.Relative))).StatusCode);
    }
}
