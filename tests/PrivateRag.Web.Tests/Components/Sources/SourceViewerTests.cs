using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Sources;

namespace PrivateRag.Web.Tests.Components;

public sealed class SourceViewerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private const string Handbook =
        "Refund policy\n\nCustomers may return products within 30 days of purchase for a full refund. " +
        "Refunds are paid to the original card within five working days.\n\n" +
        "Shipping\n\nOrders ship from the warehouse in Leeds every weekday.";

    private static async Task<(Guid DocumentId, IReadOnlyList<IndexedChunk> Chunks)> IndexHandbookAsync(PrivateRagTestContext ctx, bool everyone = true)
    {
        var collection = await ctx.CreateCollectionAsync("Handbook", everyone);
        var upload = await ctx.UploadTextAsync(collection, "refunds.txt", Handbook);
        await ctx.DrainQueueAsync();
        var chunks = await ctx.Services.GetRequiredService<IChunkIndex>().GetDocumentChunksAsync(upload.Document.Id, IndexFilter.For(collection));
        return (upload.Document.Id, chunks);
    }

    private static Citation CitationOf(Guid documentId, IndexedChunk chunk, string snippet) =>
        new(1, documentId, "refunds.txt", chunk.CollectionId, chunk.PageStart, chunk.PageEnd, chunk.HeadingPath, snippet, chunk.Id,
            chunk.CharStart, chunk.CharEnd, 1.0);

    [Fact]
    public async Task The_source_panel_highlights_the_cited_passage_in_its_surrounding_text()
    {
        await using var ctx = new PrivateRagTestContext();
        var (documentId, chunks) = await IndexHandbookAsync(ctx);
        var chunk = chunks.First(c => c.Text.Contains("30 days", StringComparison.Ordinal));

        var cut = ctx.Render<SourcePanel>(p => p.Add(s => s.Citation, CitationOf(documentId, chunk, "within 30 days of purchase for a full refund")));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=source-highlight]")), Wait);
        var highlight = cut.Find("[data-testid=source-highlight]").TextContent;
        Assert.Contains("within 30 days of purchase for a full refund", highlight, StringComparison.Ordinal);
        Assert.Contains("refunds.txt", cut.Find("[data-testid=source-document]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"/api/documents/{documentId}/view", cut.Find("[data-testid=source-open]").GetAttribute("href"));
        Assert.Equal("_blank", cut.Find("[data-testid=source-open]").GetAttribute("target"));
    }

    [Fact]
    public async Task A_source_the_reader_may_not_read_shows_only_the_quoted_snippet()
    {
        await using var ctx = new PrivateRagTestContext();
        var (documentId, chunks) = await IndexHandbookAsync(ctx, everyone: false);
        ctx.SignIn(ctx.User); // bob: not an admin, the collection is not shared with him

        var cut = ctx.Render<SourcePanel>(p => p.Add(s => s.Citation, CitationOf(documentId, chunks[0], "quoted earlier")));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=source-unavailable]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=source-highlight]"));
        Assert.Equal("quoted earlier", cut.Find("[data-testid=source-snippet]").TextContent.Trim());
    }

    [Fact]
    public async Task Context_merges_neighbouring_chunks_and_is_not_found_for_unreadable_documents()
    {
        await using var ctx = new PrivateRagTestContext();
        var (documentId, chunks) = await IndexHandbookAsync(ctx, everyone: false);
        var documents = ctx.Services.GetRequiredService<DocumentService>();
        var index = ctx.Services.GetRequiredService<IChunkIndex>();
        var cited = chunks[chunks.Count / 2];

        var context = await SourceContext.LoadAsync(documents, index, ctx.AdminAccess, documentId, cited.Id, cited.CharStart, cited.CharEnd, null);
        var bob = new PrivateRag.Core.Access.AccessContext(PrivateRagTestContext.UserName, PrivateRagTestContext.UserName, false, new HashSet<string> { "staff" });
        var hidden = await SourceContext.LoadAsync(documents, index, bob, documentId, cited.Id, cited.CharStart, cited.CharEnd, null);

        Assert.NotNull(context);
        Assert.Contains(cited.Text.Trim().Split('\n')[0], context.Passage, StringComparison.Ordinal);
        Assert.Equal(chunks.Count > 1, context.Before.Length + context.After.Length > 0);
        Assert.Null(hidden);
    }

    [Fact]
    public void A_pdf_link_opens_the_original_at_the_cited_page()
    {
        var id = Guid.NewGuid();
        Assert.Equal($"/api/documents/{id}/view#page=12", SourceLinks.Original(id, 12));
    }
}
