using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Web.Components.Admin.Collections;

namespace PrivateRag.Web.Tests.Components;

/// <summary>The access editor, editing and deleting collections, and the document view.</summary>
public sealed class CollectionManagementTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_access_editor_suggests_known_groups_and_users_and_saving_changes_who_can_read_with_an_audit_entry()
    {
        await using var ctx = new PrivateRagTestContext();
        var accounts = ctx.Services.GetRequiredService<AccountService>();
        await accounts.AddOrUpdateUserAsync("carol", "user", ["finance"], null);
        var payroll = await ctx.Services.GetRequiredService<CollectionService>()
            .CreateAsync(new CreateCollection("Payroll", "Salaries", new CollectionAccessRule(Groups: ["hr"])));
        var bob = new AccessContext(PrivateRagTestContext.UserName, PrivateRagTestContext.UserName, false, new HashSet<string> { "staff" });
        var collections = ctx.Services.GetRequiredService<CollectionService>();
        Assert.Empty(await collections.ListReadableAsync(bob));

        var cut = ctx.Render<AdminCollections>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=collection-row]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-edit]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=edit-collection]")), Wait);
        var editor = cut.FindComponent<AccessEditor>();
        Assert.Equal(["hr"], cut.FindAll("[data-testid=access-chip][data-kind=groups]").Select(c => c.TextContent.Trim()));

        // Suggestions: local groups (staff, finance) and users, by any part of the name, leaving out what is granted.
        Assert.Equal(["finance"], await editor.Instance.SuggestAsync("groups", "FIN"));
        Assert.DoesNotContain("hr", await editor.Instance.SuggestAsync("groups", ""));
        Assert.Contains(PrivateRagTestContext.UserName, await editor.Instance.SuggestAsync("users", "bo"));

        await cut.InvokeAsync(() => editor.Instance.AddAsync("groups", "staff"));
        await cut.InvokeAsync(() => editor.Instance.AddAsync("users", "carol"));
        await cut.InvokeAsync(() => cut.FindAll("[data-testid=access-chip][data-kind=groups]")
            .Single(c => c.TextContent.Contains("hr", StringComparison.Ordinal)).QuerySelector("[data-testid=access-remove]")!.Click());
        TextInputIn(cut.Find("[data-testid=collection-name]")).Input("Payroll 2026");
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-save]").Click());

        cut.WaitForAssertion(() => Assert.Contains("Saved", cut.Find("[data-testid=collections-notice]").TextContent, StringComparison.Ordinal), Wait);
        var saved = (await collections.ListReadableAsync(ctx.AdminAccess)).Single(c => c.Id == payroll.Id);
        Assert.Equal("Payroll 2026", saved.Name);
        Assert.Equal(["staff"], saved.Access.Groups);
        Assert.Equal(["carol"], saved.Access.Users);
        // bob is in "staff": he reads it now; the change is audited with the admin who made it.
        Assert.Single(await collections.ListReadableAsync(bob));
        var audit = await ctx.Services.GetRequiredService<StoreAuditLog>().QueryAsync(new AuditQuery(Kind: AuditKinds.AccessChange), PrivateRag.Core.Access.AccessContext.System);
        var entry = audit.Items.First(e => e.Target == payroll.Id.ToString());
        Assert.Equal(PrivateRagTestContext.AdminName, entry.Subject);
        Assert.Contains("groups=[staff]", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everyone_switches_the_named_readers_off_and_the_table_says_so()
    {
        await using var ctx = new PrivateRagTestContext();
        await ctx.Services.GetRequiredService<CollectionService>()
            .CreateAsync(new CreateCollection("Handbook", Access: new CollectionAccessRule(Groups: ["hr"])));

        var cut = ctx.Render<AdminCollections>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=collection-row]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-edit]").Click());
        cut.Find("input[data-testid=collection-everyone], [data-testid=collection-everyone] input").Change(true);
        Assert.True(cut.Find("[data-testid=access-groups]").HasAttribute("disabled"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-save]").Click());

        cut.WaitForAssertion(() => Assert.Equal("Everyone", cut.Find("[data-testid=collection-readers]").TextContent.Trim()), Wait);
        var saved = Assert.Single(await ctx.Services.GetRequiredService<CollectionService>().ListReadableAsync(ctx.AdminAccess));
        Assert.True(saved.Access.Everyone);
        Assert.Empty(saved.Access.Groups!);
    }

    [Fact]
    public async Task Deleting_a_collection_asks_first_then_removes_its_documents_and_chunks()
    {
        await using var ctx = new PrivateRagTestContext();
        var keep = await ctx.CreateCollectionAsync("Keep");
        var drop = await ctx.CreateCollectionAsync("Drop");
        var doc = await ctx.UploadTextAsync(drop, "old.txt", "Old travel rules that nobody needs.");
        await ctx.UploadTextAsync(keep, "new.txt", "New travel rules.");
        await ctx.DrainQueueAsync();

        var cut = ctx.Render<AdminCollections>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=collection-row]").Count), Wait);
        var row = cut.FindAll("[data-testid=collection-row]").Single(r => r.GetAttribute("data-collection-id") == drop.ToString());
        Assert.Equal("1", row.QuerySelector("[data-testid=collection-documents]")!.TextContent.Trim());
        Assert.NotEqual("0", row.QuerySelector("[data-testid=collection-chunks]")!.TextContent.Trim());
        await cut.InvokeAsync(() => row.QuerySelector("[data-testid=collection-delete]")!.Click());
        // Nothing is deleted before the confirmation.
        Assert.Equal(2, (await ctx.Services.GetRequiredService<CollectionService>().ListReadableAsync(ctx.AdminAccess)).Count);
        await cut.InvokeAsync(() => cut.Find("[data-testid=collection-delete-confirm]").Click());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=collection-row]")), Wait);
        Assert.Null(await ctx.Services.GetRequiredService<DocumentService>().FindReadableAsync(doc.Document.Id, ctx.AdminAccess));
        Assert.Empty(await ctx.Services.GetRequiredService<IChunkIndex>().GetDocumentChunksAsync(doc.Document.Id, IndexFilter.For(drop)));
        Assert.Equal(1, (await ctx.Services.GetRequiredService<IChunkIndex>().GetStatsAsync()).Documents);
    }

    [Fact]
    public async Task The_document_view_shows_the_extracted_text_and_each_chunk_with_heading_pages_offsets_and_tokens()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        var text = "# Travel\n\n## Hotels\n\n" + string.Join(" ", Enumerable.Range(0, 400).Select(i => $"Hotels are reimbursed up to a limit, rule {i}."));
        var doc = await ctx.UploadTextAsync(collection, "handbook.md", text);
        await ctx.DrainQueueAsync();
        var chunks = await ctx.Services.GetRequiredService<IChunkIndex>().GetDocumentChunksAsync(doc.Document.Id, IndexFilter.For(collection));
        Assert.True(chunks.Count > 1, "the test needs a document of several chunks");

        var cut = ctx.Render<AdminDocument>(p => p.Add(c => c.CollectionId, collection).Add(c => c.DocumentId, doc.Document.Id));

        cut.WaitForAssertion(() => Assert.Equal("handbook.md", cut.Find("[data-testid=document-name]").TextContent.Trim()), Wait);
        var shown = cut.FindAll("[data-testid=chunk]");
        Assert.Equal(Math.Min(20, chunks.Count), shown.Count);
        var first = shown[0];
        Assert.Contains("Travel > Hotels", first.QuerySelector("[data-testid=chunk-heading]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("page 1", first.QuerySelector("[data-testid=chunk-pages]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"characters {chunks[0].CharStart}–{chunks[0].CharEnd}", first.QuerySelector("[data-testid=chunk-offsets]")!.TextContent, StringComparison.Ordinal);
        var tokens = ctx.Services.GetRequiredService<PrivateRag.Core.Text.ITokenCounter>().Count(chunks[0].Text);
        Assert.Contains($"{tokens} tokens", first.QuerySelector("[data-testid=chunk-tokens]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/api/documents/{doc.Document.Id}/content", cut.Find("[data-testid=document-download]").GetAttribute("href"));

        // The text tab: the indexed text, rebuilt from overlapping chunks without repeating the overlaps.
        var extracted = (await ctx.Services.GetRequiredService<DocumentInspector>().GetAsync(doc.Document.Id, ctx.AdminAccess))!.Text;
        Assert.Contains("rule 0.", extracted, StringComparison.Ordinal);
        Assert.Contains("rule 399.", extracted, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(extracted, "rule 200."));
    }

    [Fact]
    public async Task A_document_of_another_collection_is_not_found_under_this_collections_address()
    {
        await using var ctx = new PrivateRagTestContext();
        var one = await ctx.CreateCollectionAsync("One");
        var other = await ctx.CreateCollectionAsync("Other");
        var doc = await ctx.UploadTextAsync(other, "secret.txt", "Only in the other collection.");
        await ctx.DrainQueueAsync();

        var cut = ctx.Render<AdminDocument>(p => p.Add(c => c.CollectionId, one).Add(c => c.DocumentId, doc.Document.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=document-not-found]")), Wait);
        Assert.DoesNotContain("Only in the other collection", cut.Markup, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    private static AngleSharp.Dom.IElement TextInputIn(AngleSharp.Dom.IElement element) =>
        element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea")
            ?? throw new InvalidOperationException($"No text box in {element.OuterHtml}");
}
