using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Components.Chat;

namespace PrivateRag.Web.Tests.Components;

public sealed class ChatPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_chat_page_shows_the_question_box_and_send_button()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<ChatPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);
        Assert.NotNull(cut.Find("[data-testid=chat-input]"));
        Assert.NotNull(cut.Find("[data-testid=chat-send]"));
    }

    [Fact]
    public async Task A_user_without_collections_is_told_why_there_is_nothing_to_ask()
    {
        await using var ctx = new PrivateRagTestContext(signedInAsAdmin: false);

        var cut = ctx.Render<ChatPage>();

        cut.WaitForAssertion(() => Assert.Contains("ask an administrator", cut.Find("[data-testid=no-collections-hint]").TextContent,
            StringComparison.OrdinalIgnoreCase), Wait);
    }

    [Fact]
    public async Task Asking_a_question_shows_a_cited_answer_and_a_citation_opens_the_source()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "refunds.txt",
            "Refund policy\n\nCustomers may return products within 30 days of purchase for a full refund. " +
            "Refunds are paid to the original card within five working days.\n\n" +
            "Shipping\n\nOrders ship from the warehouse in Leeds every weekday.");
        await ctx.DrainQueueAsync();

        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);
        cut.Find("[data-testid=chat-input]").Input("How many days do customers have to return products for a refund?");
        cut.Find("[data-testid=chat-send]").Click();

        cut.WaitForAssertion(() =>
        {
            var answer = Assert.Single(cut.FindAll("[data-testid=chat-message]"));
            Assert.NotEmpty(answer.QuerySelectorAll("[data-testid=citation]"));
            Assert.NotNull(answer.QuerySelector("[data-testid=feedback-up]"));
        }, Wait);
        // The answer is complete once the conversation appears in the sidebar (the last render of the turn).
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=conversation-item]")), Wait);
        Assert.Contains("refunds.txt", cut.Find("[data-testid=citation]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=source-panel]"));
        // Without a chat model the answer is made of quoted passages, and says so.
        Assert.NotNull(cut.Find("[data-testid=extractive-label]"));

        await cut.InvokeAsync(() => cut.Find("[data-testid=citation]").Click());

        var panel = cut.WaitForElement("[data-testid=source-panel]", Wait);
        Assert.Contains("refunds.txt", panel.TextContent, StringComparison.Ordinal);
        Assert.Contains("30 days", panel.QuerySelector("[data-testid=source-snippet]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thumbs_up_is_stored_with_the_answer()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "leave.txt", "Annual leave is 28 days per year, including public holidays.");
        await ctx.DrainQueueAsync();
        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);

        cut.Find("[data-testid=chat-input]").Input("How many days of annual leave per year?");
        cut.Find("[data-testid=chat-send]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=conversation-item]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=feedback-up]").Click());

        var conversations = ctx.Services.GetRequiredService<ConversationService>();
        var summary = Assert.Single(await conversations.ListAsync(ctx.AdminAccess));
        await cut.WaitForAssertionAsync(async () =>
        {
            var detail = await conversations.GetAsync(summary.Id, ctx.AdminAccess);
            Assert.Equal(1, detail!.Messages.Single(m => m.Role == PrivateRag.Core.Answering.TurnRole.Assistant).Feedback);
        }, Wait);
    }

    [Fact]
    public async Task Regenerate_replaces_the_answer_instead_of_adding_a_turn()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "leave.txt", "Annual leave is 28 days per year, including public holidays.");
        await ctx.DrainQueueAsync();
        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);
        cut.Find("[data-testid=chat-input]").Input("How many days of annual leave per year?");
        cut.Find("[data-testid=chat-send]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=conversation-item]")), Wait);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=answer-regenerate]")), Wait);

        await cut.InvokeAsync(() => cut.Find("[data-testid=answer-regenerate]").Click());

        var conversations = ctx.Services.GetRequiredService<ConversationService>();
        var summary = Assert.Single(await conversations.ListAsync(ctx.AdminAccess));
        await cut.WaitForAssertionAsync(async () =>
        {
            var detail = await conversations.GetAsync(summary.Id, ctx.AdminAccess);
            Assert.Equal(2, detail!.Messages.Count);
        }, Wait);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=chat-message]")), Wait);
    }

    [Fact]
    public async Task An_empty_question_is_not_sent()
    {
        await using var ctx = new PrivateRagTestContext();
        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);

        cut.Find("[data-testid=chat-input]").Input("   ");
        cut.Find("[data-testid=chat-input]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Empty(cut.FindAll("[data-testid=chat-message]"));
    }

    [Fact]
    public async Task The_conversation_moves_into_the_address_and_opening_that_address_restores_it()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "leave.txt", "Annual leave is 28 days per year, including public holidays.");
        await ctx.DrainQueueAsync();
        var navigation = ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chat-empty]")), Wait);

        cut.Find("[data-testid=chat-input]").Input("How many days of annual leave per year?");
        cut.Find("[data-testid=chat-send]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=conversation-item]")), Wait);

        var id = Assert.Single(await ctx.Services.GetRequiredService<ConversationService>().ListAsync(ctx.AdminAccess)).Id;
        Assert.EndsWith($"/c/{id}", navigation.Uri, StringComparison.Ordinal);

        var reopened = ctx.Render<ChatPage>(p => p.Add(c => c.ConversationId, id));
        reopened.WaitForAssertion(() =>
        {
            Assert.Single(reopened.FindAll("[data-testid=chat-message]"));
            Assert.Contains("annual leave", reopened.Find("[data-testid=chat-question]").TextContent, StringComparison.OrdinalIgnoreCase);
        }, Wait);
    }

    [Fact]
    public async Task An_unknown_conversation_address_shows_the_not_found_state()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<ChatPage>(p => p.Add(c => c.ConversationId, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=conversation-not-found]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=chat-empty]"));
    }

    [Fact]
    public async Task Conversations_can_be_renamed_searched_and_deleted_from_the_sidebar()
    {
        await using var ctx = new PrivateRagTestContext();
        var conversations = ctx.Services.GetRequiredService<ConversationService>();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "leave.txt", "Annual leave is 28 days per year, including public holidays.");
        await ctx.DrainQueueAsync();
        var chat = ctx.Services.GetRequiredService<ChatService>();
        await chat.AskAsync(new ChatRequest("How many days of annual leave?"), ctx.AdminAccess);
        await chat.AskAsync(new ChatRequest("Are public holidays included?"), ctx.AdminAccess);
        var cut = ctx.Render<ChatPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=conversation-item]").Count), Wait);

        // Rename the first one with the keyboard.
        cut.FindAll("[data-testid=conversation-rename]")[0].Click();
        cut.Find("[data-testid=conversation-rename-input]").Input("Leave questions");
        cut.Find("[data-testid=conversation-rename-input]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=conversation-item]"),
            i => i.TextContent.Contains("Leave questions", StringComparison.Ordinal)), Wait);

        // Search narrows the list.
        cut.Find("[data-testid=conversation-search]").Input("Leave questions");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=conversation-item]")), Wait);

        // Delete asks first.
        cut.Find("[data-testid=conversation-delete]").Click();
        // The search's debounce may render once more in between: wait for the confirmation rather than assume it.
        cut.WaitForElement("[data-testid=conversation-delete-confirm]", Wait).Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=conversations-empty]")), Wait);
        Assert.Single(await conversations.ListAsync(ctx.AdminAccess));
    }
}
