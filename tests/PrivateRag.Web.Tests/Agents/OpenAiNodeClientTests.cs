namespace PrivateRag.Web.Tests.Agents;

/// <summary>/v1 driven by the official <c>openai</c> npm client (node/openai-client.mjs).</summary>
[Collection(AgentWorldCollection.Name)]
public sealed class OpenAiNodeClientTests(AgentWorld world)
{
    [NodeClientsFact]
    public async Task The_openai_client_sees_only_readable_collections_and_gets_cited_answers_streamed_and_not()
    {
        var report = await NodeClients.RunAsync("openai-client.mjs",
            world.BaseAddress.ToString(), world.Keys["alice"], "hr", "What is the executive salary band?", "finance");

        Assert.Equal(["all", "handbook", "hr"], report.GetProperty("models").EnumerateArray().Select(m => m.GetString()!).Order().ToArray());

        foreach (var mode in new[] { "completion", "stream" })
        {
            var answer = report.GetProperty(mode);
            var content = answer.GetProperty("content").GetString()!;
            Assert.Contains(AgentWorld.HrCanary, content);
            Assert.Matches(@"\[1\]", content);
            Assert.Contains($"{world.BaseAddress.ToString().TrimEnd('/')}/source/{world.HrDocument}", content);
            Assert.DoesNotContain(AgentWorld.FinanceCanary, content);
            Assert.Equal("stop", answer.GetProperty("finish").GetString());
            var citation = Assert.Single(answer.GetProperty("citations").EnumerateArray());
            Assert.Equal(world.HrDocument, citation.GetProperty("document_id").GetGuid());
            Assert.Equal("salaries.txt", citation.GetProperty("document_name").GetString());
            Assert.Contains("/source/", citation.GetProperty("url").GetString());
        }
        Assert.True(report.GetProperty("stream").GetProperty("chunks").GetInt32() > 2, "the answer arrived in several chunks");

        Assert.Equal(404, report.GetProperty("forbidden").GetProperty("status").GetInt32());
        Assert.Equal(404, report.GetProperty("unknown").GetProperty("status").GetInt32());
        Assert.DoesNotContain(AgentWorld.FinanceCanary, report.GetProperty("forbidden").ToString());
    }
}
