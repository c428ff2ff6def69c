using Bunit;
using PrivateRag.Core.Chat;
using PrivateRag.Web.Components.Shared;

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
        Assert.Contains("1 · refunds.pdf p. 3", chips[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2 · cards.pdf pp. 7–8", chips[1].TextContent, StringComparison.Ordinal);
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
}
