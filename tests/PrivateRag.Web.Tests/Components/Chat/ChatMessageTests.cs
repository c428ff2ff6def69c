using Bunit;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Components.Chat;

namespace PrivateRag.Web.Tests.Components;

public sealed class ChatMessageTests
{
    private static ChatExchange WithTwoCitations()
    {
        var exchange = new ChatExchange("How long do refunds take?") { Mode = "extractive", MessageId = Guid.NewGuid() };
        exchange.Append("Refunds take **30 days** [1], paid to the card [2].");
        exchange.Citations =
        [
            new Citation(1, Guid.NewGuid(), "refunds.pdf", Guid.NewGuid(), 3, 3, "Refunds", "within 30 days", "c1", 0, 10, 1.0),
            new Citation(2, Guid.NewGuid(), "cards.pdf", Guid.NewGuid(), 7, 8, null, "to the original card", "c2", 0, 10, 0.5),
        ];
        return exchange;
    }

    [Fact]
    public async Task Chat_shows_one_chip_per_citation()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<ChatMessage>(p => p.Add(m => m.Message, WithTwoCitations()));

        var chips = cut.FindAll("[data-testid=citation]");
        Assert.Equal(2, chips.Count);
        Assert.Contains("refunds.pdf", chips[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("p. 3", chips[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("cards.pdf", chips[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("pp. 7–8", chips[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("1", chips[0].GetAttribute("data-cite"));
        Assert.Equal(2, cut.FindAll("[data-testid=chat-message] .markdown-body [data-cite]").Count);
        Assert.NotNull(cut.Find("[data-testid=extractive-label]"));
    }

    [Fact]
    public async Task Clicking_a_citation_reports_which_one()
    {
        await using var ctx = new PrivateRagTestContext();
        Citation? opened = null;
        var cut = ctx.Render<ChatMessage>(p => p
            .Add(m => m.Message, WithTwoCitations())
            .Add(m => m.OnCitation, c => opened = c));

        cut.FindAll("[data-testid=citation]")[1].Click();

        Assert.Equal("cards.pdf", opened?.DocumentName);
    }

    [Fact]
    public async Task An_error_is_shown_as_a_sentence()
    {
        await using var ctx = new PrivateRagTestContext();
        var exchange = new ChatExchange("Hello?") { Error = "The message is empty." };

        var cut = ctx.Render<ChatMessage>(p => p.Add(m => m.Message, exchange));

        Assert.Equal("The message is empty.", cut.Find("[data-testid=chat-error]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=citation]"));
    }

    [Fact]
    public async Task A_finished_answer_offers_copy_regenerate_and_feedback_buttons_with_labels()
    {
        await using var ctx = new PrivateRagTestContext();
        var copied = false;
        var regenerated = false;
        var cut = ctx.Render<ChatMessage>(p => p
            .Add(m => m.Message, WithTwoCitations())
            .Add(m => m.CanRegenerate, true)
            .Add(m => m.OnCopy, () => copied = true)
            .Add(m => m.OnRegenerate, () => regenerated = true));

        cut.Find("[data-testid=answer-copy]").Click();
        cut.Find("[data-testid=answer-regenerate]").Click();

        Assert.True(copied);
        Assert.True(regenerated);
        foreach (var id in new[] { "answer-copy", "answer-regenerate", "feedback-up", "feedback-down" })
            Assert.False(string.IsNullOrWhiteSpace(cut.Find($"[data-testid={id}]").GetAttribute("aria-label")), id);
        Assert.Equal("false", cut.Find("[data-testid=feedback-up]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task After_a_thumb_the_person_may_add_a_comment()
    {
        await using var ctx = new PrivateRagTestContext();
        var exchange = WithTwoCitations();
        exchange.Feedback = -1;
        FeedbackChoice? sent = null;
        var cut = ctx.Render<ChatMessage>(p => p
            .Add(m => m.Message, exchange)
            .Add(m => m.OnFeedback, c => sent = c));

        Assert.Equal("true", cut.Find("[data-testid=feedback-down]").GetAttribute("aria-pressed"));
        cut.Find("[data-testid=feedback-comment]").Input("The page number was wrong");
        cut.Find("[data-testid=feedback-comment-send]").Click();

        // The send handler may finish after Click returns on a loaded machine (it failed once in CI): wait for it.
        cut.WaitForAssertion(() => Assert.Equal(new FeedbackChoice(-1, "The page number was wrong"), sent), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_not_found_answer_is_a_designed_state_not_an_empty_bubble()
    {
        await using var ctx = new PrivateRagTestContext();
        var exchange = new ChatExchange("What is the moon made of?") { MessageId = Guid.NewGuid(), NotFound = true };
        exchange.Append("I could not find anything about this in the documents you can access.");

        var cut = ctx.Render<ChatMessage>(p => p.Add(m => m.Message, exchange));

        Assert.NotNull(cut.Find("[data-testid=answer-not-found]"));
        Assert.Empty(cut.FindAll("[data-testid=citation]"));
    }

    [Fact]
    public async Task The_answer_is_labelled_in_german_when_the_culture_is_german()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<ChatMessage>(p => p
            .Add(m => m.Message, WithTwoCitations())
            .AddCascadingValue(PrivateRag.Web.Resources.UiText.For("de")));

        Assert.Equal("Hilfreich", cut.Find("[data-testid=feedback-up]").GetAttribute("aria-label"));
        Assert.Contains("S. 7–8", cut.FindAll("[data-testid=citation]")[1].TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "3 requests ahead of you")]
    [InlineData(1, "1 request ahead of you")]
    [InlineData(0, "your question is next")]
    public async Task While_the_model_is_busy_the_answer_says_how_many_requests_are_ahead(int ahead, string expected)
    {
        await using var ctx = new PrivateRagTestContext();
        var exchange = new ChatExchange("Anything?") { IsStreaming = true, QueueAhead = ahead };

        var cut = ctx.Render<ChatMessage>(p => p.Add(m => m.Message, exchange));

        Assert.Contains(expected, cut.Find("[data-testid=queue-indicator]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("[data-testid=chat-message]").GetAttribute("aria-busy"));
    }
}
