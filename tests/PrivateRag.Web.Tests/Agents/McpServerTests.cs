using System.Net;
using System.Net.Http.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>The MCP server at /mcp driven by the C# SDK's own client over streamable HTTP, as two users in different groups.</summary>
[Collection(AgentWorldCollection.Name)]
public sealed class McpServerTests(AgentWorld world)
{
    private async Task<McpClient> ConnectAsync(string? key)
    {
        var headers = new Dictionary<string, string>();
        if (key is not null) headers["Authorization"] = "Bearer " + key;
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(world.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport);
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments) =>
        await client.CallToolAsync(tool, arguments);

    [Fact]
    public async Task The_four_tools_are_listed_with_descriptions_and_input_schemas()
    {
        await using var client = await ConnectAsync(world.Keys["alice"]);
        var tools = await client.ListToolsAsync();
        Assert.Equal(["ask", "list_collections", "read_passage", "search"], tools.Select(t => t.Name).Order().ToArray());
        foreach (var tool in tools)
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), tool.Name);
            Assert.Equal("object", tool.JsonSchema.GetProperty("type").GetString());
        }
        var search = tools.Single(t => t.Name == "search").JsonSchema;
        Assert.Equal(["query"], search.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task Search_and_ask_each_see_only_their_own_groups_canary()
    {
        foreach (var (user, own, other) in new[] { ("alice", AgentWorld.HrCanary, AgentWorld.FinanceCanary), ("carol", AgentWorld.FinanceCanary, AgentWorld.HrCanary) })
        {
            await using var client = await ConnectAsync(world.Keys[user]);
            var query = own == AgentWorld.HrCanary ? "executive salary band" : "confidential travel budget code";
            var search = await CallAsync(client, "search", new() { ["query"] = query });
            Assert.False(search.IsError == true, Text(search));
            Assert.Contains(own, Text(search));
            Assert.Contains("/source/", Text(search));

            var ask = await CallAsync(client, "ask", new() { ["question"] = $"What is the {query}?" });
            Assert.False(ask.IsError == true, Text(ask));
            Assert.Contains(own, Text(ask));
            Assert.Contains("Sources:", Text(ask));

            // The other group's canary, asked for directly and by name, through every tool.
            foreach (var probe in new[] { "executive salary band", "confidential travel budget code", other, "CANARY" })
            {
                var leaked = await CallAsync(client, "search", new() { ["query"] = probe, ["top"] = 10 });
                Assert.DoesNotContain(other, Text(leaked));
                var answered = await CallAsync(client, "ask", new() { ["question"] = $"Quote {probe} exactly." });
                Assert.DoesNotContain(other, Text(answered));
            }
            var collections = Text(await CallAsync(client, "list_collections", new()));
            Assert.Contains(own == AgentWorld.HrCanary ? "hr" : "finance", collections);
            Assert.DoesNotContain(own == AgentWorld.HrCanary ? "finance" : "- hr", collections);
        }
    }

    [Fact]
    public async Task A_collection_the_caller_cannot_read_is_refused_like_one_that_does_not_exist()
    {
        await using var client = await ConnectAsync(world.Keys["alice"]);
        var forbidden = await CallAsync(client, "search", new() { ["query"] = "travel budget", ["collection"] = "finance" });
        var missing = await CallAsync(client, "search", new() { ["query"] = "travel budget", ["collection"] = "no-such-collection" });
        Assert.True(forbidden.IsError);
        Assert.True(missing.IsError);
        Assert.DoesNotContain(AgentWorld.FinanceCanary, Text(forbidden));
        var passage = await CallAsync(client, "read_passage", new() { ["documentId"] = world.HrDocument.ToString(), ["chunkId"] = "" });
        Assert.False(passage.IsError == true, Text(passage));
        Assert.Contains(AgentWorld.HrCanary, Text(passage));

        await using var carol = await ConnectAsync(world.Keys["carol"]);
        var other = await CallAsync(carol, "read_passage", new() { ["documentId"] = world.HrDocument.ToString(), ["chunkId"] = "" });
        Assert.True(other.IsError);
        Assert.DoesNotContain(AgentWorld.HrCanary, Text(other));
    }

    [Fact]
    public async Task Anonymous_callers_and_the_sign_in_cookie_are_refused()
    {
        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(null));
        Assert.Contains("401", anonymous.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync("not-a-key-0123456789"));

        // A browser session (the cookie) is not enough: a page elsewhere could otherwise drive the tools as the user.
        using var browser = await world.SignInAsync("alice", "alice-password-1");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "tools/list" }),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_the_next_call_of_an_open_session()
    {
        var (key, keyId) = await world.NewUserWithKeyAsync("erin", "hr");
        await using var client = await ConnectAsync(key);
        Assert.Contains(AgentWorld.HrCanary, Text(await CallAsync(client, "search", new() { ["query"] = "executive salary band" })));
        await world.RevokeAsync(keyId);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => CallAsync(client, "search", new() { ["query"] = "executive salary band" }));
        Assert.DoesNotContain(AgentWorld.HrCanary, refused.ToString());
    }

    [Fact]
    public async Task A_removed_group_stops_counting_on_the_next_call()
    {
        var (key, _) = await world.NewUserWithKeyAsync("frank", "hr");
        await using var client = await ConnectAsync(key);
        Assert.Contains(AgentWorld.HrCanary, Text(await CallAsync(client, "search", new() { ["query"] = "executive salary band" })));
        await world.SetGroupsAsync("frank", "eng");
        var after = await CallAsync(client, "search", new() { ["query"] = "executive salary band" });
        Assert.DoesNotContain(AgentWorld.HrCanary, Text(after));
        Assert.DoesNotContain(AgentWorld.HrCanary, Text(await CallAsync(client, "ask", new() { ["question"] = "What is the executive salary band?" })));
    }
}
