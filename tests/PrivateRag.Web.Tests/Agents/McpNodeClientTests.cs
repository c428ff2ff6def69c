using System.Text.Json;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>/mcp driven by the official MCP TypeScript SDK client (node/mcp-client.mjs), as two users in different groups.</summary>
[Collection(AgentWorldCollection.Name)]
public sealed class McpNodeClientTests(AgentWorld world)
{
    [NodeClientsFact]
    public async Task The_typescript_sdk_lists_the_tools_and_each_user_sees_only_their_own_canary()
    {
        var (revoked, revokedId) = await world.NewUserWithKeyAsync("gina", "hr");
        await world.RevokeAsync(revokedId);
        var users = new Dictionary<string, object>
        {
            ["alice"] = new { key = world.Keys["alice"], query = "executive salary band", probes = new[] { "confidential travel budget code", AgentWorld.FinanceCanary } },
            ["carol"] = new { key = world.Keys["carol"], query = "confidential travel budget code", probes = new[] { "executive salary band", AgentWorld.HrCanary } },
        };
        var report = await NodeClients.RunAsync("mcp-client.mjs", world.BaseAddress.ToString(), JsonSerializer.Serialize(users), revoked);

        var tools = report.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["ask", "list_collections", "read_passage", "search"], tools.Select(t => t.GetProperty("name").GetString()!).Order().ToArray());
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));

        foreach (var (user, own, other) in new[] { ("alice", AgentWorld.HrCanary, AgentWorld.FinanceCanary), ("carol", AgentWorld.FinanceCanary, AgentWorld.HrCanary) })
        {
            var seen = report.GetProperty("users").GetProperty(user);
            var search = seen.GetProperty("search");
            var ask = seen.GetProperty("ask");
            Assert.False(search.GetProperty("isError").GetBoolean(), search.GetProperty("text").GetString());
            Assert.Contains(own, search.GetProperty("text").GetString());
            Assert.Contains(own, ask.GetProperty("text").GetString());
            Assert.Contains("/source/", ask.GetProperty("text").GetString());
            Assert.DoesNotContain(other, search.GetProperty("text").GetString());
            Assert.DoesNotContain(other, ask.GetProperty("text").GetString());
            foreach (var probe in seen.GetProperty("probes").EnumerateArray())
                Assert.DoesNotContain(other, probe.GetProperty("text").GetString());
        }

        Assert.True(report.GetProperty("anonymous").GetProperty("refused").GetBoolean(), report.GetProperty("anonymous").ToString());
        Assert.True(report.GetProperty("revoked").GetProperty("refused").GetBoolean(), report.GetProperty("revoked").ToString());
        Assert.Contains("401", report.GetProperty("anonymous").GetProperty("detail").GetString());
    }
}
