using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Pages;

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
    public async Task Uploading_files_reports_each_file_and_a_repeated_file_as_a_duplicate()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Uploads");
        var cut = ctx.Render<AdminCollection>(p => p.Add(c => c.Id, collection));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=documents-empty]")), Wait);

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("Expenses are claimed monthly.", "expenses.txt"),
            InputFileContent.CreateFromText("# Security\n\nLock your screen.", "security.md"));

        cut.WaitForAssertion(() =>
        {
            var results = cut.FindAll("[data-testid=upload-result]");
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Equal("uploaded", r.GetAttribute("data-outcome")));
            Assert.Equal(2, cut.FindAll("[data-testid=document-row]").Count);
        }, Wait);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Expenses are claimed monthly.", "expenses-copy.txt"));

        cut.WaitForAssertion(() =>
        {
            var result = Assert.Single(cut.FindAll("[data-testid=upload-result]"));
            Assert.Equal("duplicate", result.GetAttribute("data-outcome"));
            Assert.Equal(2, cut.FindAll("[data-testid=document-row]").Count);
        }, Wait);
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
        TextInput(cut, "collection-groups").Change("finance, managers");
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

    private static AngleSharp.Dom.IElement Row<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        cut.FindAll("[data-testid=document-row]").Single(r => r.TextContent.Contains(name, StringComparison.Ordinal));
}
