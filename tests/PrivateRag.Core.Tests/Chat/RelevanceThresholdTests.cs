using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Chat;

public sealed class RelevanceThresholdTests
{
    [Fact]
    public async Task Below_the_threshold_the_answer_says_not_covered_and_only_offers_the_nearest_passages()
    {
        var chat = new ScriptedChatClient(_ => "This must not be generated [1].");
        await using var host = await CoreTestHost.StartAsync(chat, s => s["Answers:MinLexicalScore"] = "1000");
        var open = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c", Access: new CollectionAccessRule(Everyone: true)));
        await host.AddIndexedDocumentAsync(open.Id, "menu.pdf", (2, "The canteen serves soup on Mondays."));

        var answer = await host.Get<ChatService>().AskAsync(new ChatRequest("What soup is served on Mondays?"), CoreTestHost.User("bob"));
        Assert.True(answer.NotFound);
        Assert.Equal(ChatService.BelowThresholdAnswer, answer.Answer);
        var nearest = Assert.Single(answer.Citations);
        Assert.Equal("menu.pdf", nearest.DocumentName);
        Assert.False(nearest.Cited);
        Assert.False(nearest.Verified);
        Assert.Empty(chat.Prompts); // the model was not asked to answer from weak passages
    }

    [Fact]
    public async Task Above_the_threshold_the_question_is_answered()
    {
        var chat = new ScriptedChatClient(_ => "Soup on Mondays [1].");
        await using var host = await CoreTestHost.StartAsync(chat, s => s["Answers:MinLexicalScore"] = "0.5");
        var open = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c", Access: new CollectionAccessRule(Everyone: true)));
        await host.AddIndexedDocumentAsync(open.Id, "menu.pdf", (2, "The canteen serves soup on Mondays."));
        // BM25 needs a corpus: with one passage every term is in every document and weighs nothing.
        foreach (var topic in new[] { "parking", "holidays", "laptops", "travel", "badges" })
            await host.AddIndexedDocumentAsync(open.Id, $"{topic}.pdf", (1, $"The policy on {topic} changed last year."));
        var answer = await host.Get<ChatService>().AskAsync(new ChatRequest("What soup is served on Mondays?"), CoreTestHost.User("bob"));
        Assert.False(answer.NotFound);
        Assert.True(Assert.Single(answer.Citations).Cited);
    }
}
