using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>/v1 over plain HTTP: the error shapes, the conversation taken from the messages, and what it refuses.</summary>
[Collection(AgentWorldCollection.Name)]
public sealed class OpenAiCompatibleApiTests(AgentWorld world)
{
    [Fact]
    public async Task A_follow_up_is_answered_with_the_earlier_messages_as_its_conversation()
    {
        var response = await world.Client(world.Keys["alice"]).PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "all",
            messages = new object[]
            {
                new { role = "user", content = "What is the executive salary band?" },
                new { role = "assistant", content = "It is in salaries.txt.\n\nSources:\n\n- [1] [salaries.txt](http://x/source/1)" },
                new { role = "user", content = new object[] { new { type = "text", text = "and per year?" } } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Contains(AgentWorld.HrCanary, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Bad_requests_get_openai_shaped_errors()
    {
        var client = world.Client(world.Keys["alice"]);
        var noModel = await client.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, noModel.StatusCode);
        Assert.Equal("model", (await noModel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());

        var noQuestion = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "hr", messages = new[] { new { role = "assistant", content = "hello" } } });
        Assert.Equal(HttpStatusCode.BadRequest, noQuestion.StatusCode);

        var forbidden = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "finance", stream = true, messages = new[] { new { role = "user", content = "travel budget code" } } });
        Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode);
        var error = (await forbidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_sign_in_cookie_and_anonymous_callers_are_refused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await world.Client().GetAsync("/v1/models")).StatusCode);
        using var browser = await world.SignInAsync("alice", "alice-password-1");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task Each_completion_is_audited_as_a_question_of_the_keys_user()
    {
        var response = await world.Client(world.Keys["carol"]).PostAsJsonAsync("/v1/chat/completions",
            new { model = "finance", messages = new[] { new { role = "user", content = "What is the travel budget code?" } } });
        response.EnsureSuccessStatusCode();
        var audit = await world.Client(Api.PrivateRagAppFactory.AdminKey).GetFromJsonAsync<JsonElement>("/api/audit?kind=question&user=carol");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("subject").GetString() == "carol");
    }
}
