using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>The MCP search tool takes from the same per-key budget as POST /api/search.</summary>
public sealed class McpRateLimitTests
{
    [Fact]
    public async Task Searches_past_the_keys_search_budget_are_refused_with_a_reason_the_model_can_read()
    {
        await using var app = new PrivateRagAppFactory(new Dictionary<string, string?> { ["RateLimits:SearchPerMinute"] = "1" });
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(new Uri(address), "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + PrivateRagAppFactory.AdminKey },
        }));
        var first = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "travel" });
        Assert.False(first.IsError == true);
        var second = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "travel" });
        Assert.True(second.IsError);
        Assert.Contains("Too many searches", string.Join("\n", second.Content.OfType<TextContentBlock>().Select(t => t.Text)));
    }
}
