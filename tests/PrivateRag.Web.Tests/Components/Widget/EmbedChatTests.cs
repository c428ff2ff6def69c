using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Web.Components.Widget;

namespace PrivateRag.Web.Tests.Components;

public sealed class EmbedChatTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static IRenderedComponent<EmbedChat> RenderAt(PrivateRagTestContext ctx, string query)
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/embed/chat" + query);
        return ctx.Render<EmbedChat>();
    }

    [Fact]
    public async Task Without_a_session_the_frame_offers_sign_in_and_no_chat()
    {
        await using var ctx = new PrivateRagTestContext(withAccounts: false);

        var cut = RenderAt(ctx, "?collections=Handbook");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=embed-sign-in]")), Wait);
        Assert.NotNull(cut.Find("[data-embed-signin]"));
        Assert.Empty(cut.FindAll("[data-testid=chat-input]"));
    }

    [Fact]
    public async Task Collections_the_viewer_may_not_read_are_not_offered()
    {
        await using var ctx = new PrivateRagTestContext(signedInAsAdmin: false);
        await ctx.CreateCollectionAsync("Board minutes", everyone: false);

        var cut = RenderAt(ctx, "?collections=Board%20minutes");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=embed-no-access]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=chat-input]"));
    }

    [Fact]
    public async Task A_question_is_answered_from_the_named_collection_only_with_chips_that_open_the_source_in_a_new_tab()
    {
        await using var ctx = new PrivateRagTestContext();
        var handbook = await ctx.CreateCollectionAsync("Handbook");
        var other = await ctx.CreateCollectionAsync("Other");
        await ctx.UploadTextAsync(handbook, "refunds.txt",
            "Refund policy\n\nCustomers may return products within 30 days of purchase for a full refund.");
        await ctx.UploadTextAsync(other, "refunds-other.txt",
            "Refund policy elsewhere\n\nCustomers may return products within 90 days of purchase for a full refund.");
        await ctx.DrainQueueAsync();

        var cut = RenderAt(ctx, "?collections=handbook&title=Ask%20HR");
        cut.WaitForAssertion(() => Assert.Contains("Handbook", cut.Find("[data-testid=embed-scope]").TextContent, StringComparison.Ordinal), Wait);
        cut.Find("[data-testid=chat-input]").Input("How many days do customers have to return products for a refund?");
        cut.Find("[data-testid=chat-send]").Click();

        cut.WaitForAssertion(() =>
        {
            var answer = Assert.Single(cut.FindAll("[data-testid=chat-message]"));
            Assert.Equal("false", answer.GetAttribute("data-streaming"));
            Assert.NotEmpty(answer.QuerySelectorAll("[data-testid=citation]"));
        }, Wait);
        foreach (var chip in cut.FindAll("[data-testid=citation]"))
        {
            Assert.Contains("refunds.txt", chip.TextContent, StringComparison.Ordinal);
            Assert.DoesNotContain("refunds-other.txt", chip.TextContent, StringComparison.Ordinal);
            Assert.StartsWith("/source/", chip.GetAttribute("href"), StringComparison.Ordinal);
            Assert.Equal("_blank", chip.GetAttribute("target"));
        }
        Assert.StartsWith("/c/", cut.Find("[data-testid=embed-open-in-app]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#0a7d48", "#0a7d48")]
    [InlineData("#abc", "#abc")]
    [InlineData("red", WidgetText.DefaultAccent)]
    [InlineData("#000;background:url(https://evil.example)", WidgetText.DefaultAccent)]
    [InlineData(null, WidgetText.DefaultAccent)]
    public void Only_hex_colours_reach_the_accent(string? given, string expected) => Assert.Equal(expected, WidgetText.Accent(given));

    [Fact]
    public void The_conversation_key_depends_on_user_and_collections_and_names_neither()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var key = EmbedChat.StorageKey("alice", [a, b]);
        Assert.Equal(key, EmbedChat.StorageKey("alice", [b, a]));
        Assert.NotEqual(key, EmbedChat.StorageKey("bob", [a, b]));
        Assert.NotEqual(key, EmbedChat.StorageKey("alice", null));
        Assert.DoesNotContain("alice", key, StringComparison.Ordinal);
        Assert.DoesNotContain(a.ToString(), key, StringComparison.Ordinal);
    }
}
