using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Admin.Collections;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminPagesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_collection_page_lists_documents_with_their_status_and_follows_indexing()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Policies");
        await ctx.UploadTextAsync(collection, "travel.txt", "Travel must be booked through the travel desk two weeks ahead.");
        await ctx.UploadTextAsync(collection, "tool.exe", "MZ not a document");

        var cut = ctx.Render<AdminCollection>(p => p
            .Add(c => c.Id, collection)
            .Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(100)));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=document-row]").Count), Wait);
        var travel = Row(cut, "travel.txt");
        Assert.Contains("queued", travel.TextContent, StringComparison.Ordinal);
        var tool = Row(cut, "tool.exe");
        Assert.Contains("failed", tool.TextContent, StringComparison.Ordinal);
        Assert.Contains("not supported", tool.QuerySelector("[data-testid=document-error]")!.TextContent, StringComparison.Ordinal);

        await ctx.DrainQueueAsync();

        // The page refreshes itself while something is queued or processing.
        cut.WaitForAssertion(() => Assert.Contains("indexed", Row(cut, "travel.txt").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("indexed", Row(cut, "travel.txt").GetAttribute("data-status"));
    }

    [Fact]
    public async Task Files_the_browser_uploads_show_their_bytes_then_each_ingestion_stage_until_indexed()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Uploads");
        var cut = ctx.Render<AdminCollection>(p => p
            .Add(c => c.Id, collection)
            .Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(100)));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=documents-empty]")), Wait);

        // What uploads.js reports: the files of a dropped folder (one refused by type), bytes sent, then the API's answers.
        await cut.InvokeAsync(() => cut.Instance.FilesAdded(
        [
            new AnnouncedFile(1, "policies/expenses.txt", 1000, null),
            new AnnouncedFile(2, "policies/security.md", 2000, null),
            new AnnouncedFile(3, "policies/.DS_Store", 10, "unsupported"),
        ]));
        await cut.InvokeAsync(() => cut.Instance.UploadProgress([1, 500, 2, 0]));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("uploading", Item(cut, "policies/expenses.txt").GetAttribute("data-phase"));
            Assert.Contains("50 %", Item(cut, "policies/expenses.txt").TextContent, StringComparison.Ordinal);
            Assert.Equal("refused", Item(cut, "policies/.DS_Store").GetAttribute("data-phase"));
            Assert.Contains("not supported", Item(cut, "policies/.DS_Store").TextContent, StringComparison.Ordinal);
        }, Wait);

        // The browser sent the bytes; the API stored them (as it does for the real upload).
        var expenses = await ctx.UploadTextAsync(collection, "expenses.txt", "Expenses are claimed monthly.");
        var security = await ctx.UploadTextAsync(collection, "security.md", "# Security\n\nLock your screen.");
        await cut.InvokeAsync(() => cut.Instance.FilesUploaded(
        [
            new UploadedFile(1, expenses.Document.Id, "queued", false, null),
            new UploadedFile(2, security.Document.Id, "queued", false, null),
        ]));
        cut.WaitForAssertion(() => Assert.Equal("queued", Item(cut, "policies/expenses.txt").GetAttribute("data-phase")), Wait);

        await ctx.DrainQueueAsync();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("indexed", Item(cut, "policies/expenses.txt").GetAttribute("data-phase"));
            Assert.Equal("indexed", Item(cut, "policies/security.md").GetAttribute("data-phase"));
            Assert.Equal(2, cut.FindAll("[data-testid=document-row]").Count);
            Assert.Contains("2 of 2 uploaded", cut.Find("[data-testid=upload-summary]").TextContent, StringComparison.Ordinal);
            Assert.Contains("1 with problems", cut.Find("[data-testid=upload-summary]").TextContent, StringComparison.Ordinal);
        }, Wait);

        // The same bytes again are reported as a duplicate, not stored twice.
        var again = await ctx.UploadTextAsync(collection, "expenses-copy.txt", "Expenses are claimed monthly.");
        Assert.True(again.Duplicate);
        await cut.InvokeAsync(() => cut.Instance.FilesAdded([new AnnouncedFile(4, "expenses-copy.txt", 29, null)]));
        await cut.InvokeAsync(() => cut.Instance.FilesUploaded([new UploadedFile(4, again.Document.Id, "indexed", true, null)]));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("duplicate", Item(cut, "expenses-copy.txt").GetAttribute("data-phase"));
            Assert.Equal(2, cut.FindAll("[data-testid=document-row]").Count);
        }, Wait);
    }

    [Fact]
    public async Task A_processing_document_shows_its_stage_as_a_step_of_four()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Stages");
        var uploaded = await ctx.UploadTextAsync(collection, "long.txt", "Some text.");
        await ctx.SetStageAsync(uploaded.Document.Id, "embed", 0.4);

        var cut = ctx.Render<AdminCollection>(p => p.Add(c => c.Id, collection).Add(c => c.RefreshInterval, TimeSpan.FromMinutes(5)));

        cut.WaitForAssertion(() =>
            Assert.Contains("Embedding · step 3 of 4 · 40 %", Row(cut, "long.txt").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task The_name_search_starts_empty_and_shows_what_was_typed()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Search");
        await ctx.UploadTextAsync(collection, "notes.txt", "Meeting notes.");

        var cut = ctx.Render<AdminCollection>(p => p.Add(c => c.Id, collection).Add(c => c.RefreshInterval, TimeSpan.FromMinutes(5)));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=document-row]")), Wait);
        var search = SearchBox(cut);
        Assert.True(string.IsNullOrEmpty(search.GetAttribute("value")), $"The search box says '{search.GetAttribute("value")}'.");
    }

    private static AngleSharp.Dom.IElement SearchBox(IRenderedComponent<AdminCollection> cut)
    {
        var box = cut.Find("[data-testid=documents-search]");
        return box.TagName == "INPUT" ? box : box.QuerySelector("input")!;
    }

    [Fact]
    public async Task The_document_table_filters_by_status_and_name_and_pages_through_many_documents()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Many");
        for (var i = 0; i < 12; i++) await ctx.UploadTextAsync(collection, $"report-{i:D2}.txt", $"Quarterly report number {i}.");
        await ctx.UploadTextAsync(collection, "notes.txt", "Meeting notes.");
        await ctx.UploadTextAsync(collection, "tool.exe", "MZ not a document");

        var cut = ctx.Render<AdminCollection>(p => p
            .Add(c => c.Id, collection)
            .Add(c => c.PageSize, 5)
            .Add(c => c.RefreshInterval, TimeSpan.FromMinutes(5)));

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=document-row]").Count), Wait);
        Assert.Contains("1–5 of 14", cut.Find("[data-testid=documents-range]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(1)", cut.Find("[data-testid=status-filter-failed]").TextContent, StringComparison.Ordinal);

        // Only the failed one, with its reason and a retry button.
        await cut.InvokeAsync(() => cut.Find("[data-testid=status-filter-failed]").Click());
        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=document-row]"));
            Assert.Contains("tool.exe", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("not supported", row.QuerySelector("[data-testid=document-error]")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(row.QuerySelector("[data-testid=document-retry]"));
            Assert.Equal("true", cut.Find("[data-testid=status-filter-failed]").GetAttribute("aria-pressed"));
        }, Wait);

        // All statuses, narrowed by name (any case).
        await cut.InvokeAsync(() => cut.Find("[data-testid=status-filter-all]").Click());
        TextInput(cut, "documents-search").Input("NOTES");
        cut.WaitForAssertion(() => Assert.Contains("notes.txt", Assert.Single(cut.FindAll("[data-testid=document-row]")).TextContent, StringComparison.Ordinal), Wait);

        TextInput(cut, "documents-search").Input("report-");
        cut.WaitForAssertion(() => Assert.Contains("of 12", cut.Find("[data-testid=documents-range]").TextContent, StringComparison.Ordinal), Wait);
        Assert.NotNull(cut.Find("[data-testid=documents-pages]"));
    }

    [Fact]
    public async Task The_collections_page_lists_collections_with_counts_and_creates_new_ones()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "a.txt", "Working hours are nine to five.");
        await ctx.DrainQueueAsync();

        var cut = ctx.Render<AdminCollections>();

        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=collection-row]"));
            Assert.Contains("Handbook", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("Everyone", row.TextContent, StringComparison.Ordinal);
        }, Wait);

        TextInput(cut, "collection-name").Input("Finance");
        var editor = cut.FindComponent<AccessEditor>();
        await cut.InvokeAsync(() => editor.Instance.AddAsync("groups", "finance"));
        await cut.InvokeAsync(() => editor.Instance.AddAsync("groups", "managers"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-create]").Click());

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=collection-row]").Count), Wait);
        var created = (await ctx.Services.GetRequiredService<CollectionService>().ListReadableAsync(ctx.AdminAccess))
            .Single(c => c.Name == "Finance");
        Assert.Equal(["finance", "managers"], created.Access.Groups);
        Assert.False(created.Access.Everyone);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_does_not_get_the_admin_pages()
    {
        await using var ctx = new PrivateRagTestContext(signedInAsAdmin: false);
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/collections");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.Contains("do not have access", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=admin-collections]"));
        Assert.Empty(cut.FindAll("[data-testid=create-collection]"));
    }

    [Fact]
    public async Task An_admin_reaches_the_admin_pages_through_the_router()
    {
        await using var ctx = new PrivateRagTestContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/collections");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=admin-collections]")), Wait);
    }

    /// <summary>The text box behind a data-testid, whether the id sits on the input or on a wrapper around it.</summary>
    private static AngleSharp.Dom.IElement TextInput<T>(IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        var element = cut.Find($"[data-testid={testId}]");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea")
            ?? throw new InvalidOperationException($"No text box at {testId}: {element.OuterHtml}");
    }

    private static AngleSharp.Dom.IElement Item<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        cut.FindAll("[data-testid=upload-item]").Single(r => r.GetAttribute("data-name") == name);

    private static AngleSharp.Dom.IElement Row<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        cut.FindAll("[data-testid=document-row]").Single(r => r.TextContent.Contains(name, StringComparison.Ordinal));
}
