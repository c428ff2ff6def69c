using System.Globalization;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Readers;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PrivateRag.Ingest.Tests.Citations;

/// <summary>
/// A chunk of a long, sparse PDF spans many pages; a citation of a fact inside it must name the fact's own page, not
/// the chunk's first page - through the reader, the chunker, the index (stored and read back) and the citation.
/// </summary>
public sealed class CitedPageTests
{
    private const int Pages = 3000;
    private const int FactPage = 2999;
    private const string Fact = "The flange bolts of pump housing K7 are tightened to 47 newton metres.";

    [Fact]
    public async Task A_fact_on_page_2999_of_a_sparse_3000_page_pdf_is_cited_as_page_2999()
    {
        var pdf = SparsePdf();
        var document = new PdfReader().Read(new MemoryStream(pdf), new ReadLimits(), CancellationToken.None);
        Assert.Equal(Pages, document.PageCount);

        var chunks = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance).Chunk(document);
        var holding = chunks.Where(c => c.Text.Contains(Fact, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(holding);
        Assert.All(holding, c => Assert.Equal(FactPage, c.Layout!.PageAt(c.Text.IndexOf(Fact, StringComparison.Ordinal))));
        var draft = holding[0];
        // The premise of the test: the chunk holding the fact starts pages earlier (sparse pages share a chunk).
        Assert.True(draft.PageStart < FactPage - 3, $"the chunk starts on page {draft.PageStart}");
        Assert.True(draft.PageEnd >= FactPage);

        var documentId = Guid.NewGuid();
        var collectionId = Guid.NewGuid();
        var folder = Directory.CreateTempSubdirectory("cited-page-");
        try
        {
            IndexedChunk stored;
            using (var index = new EmbeddedChunkIndex(Path.Combine(folder.FullName, "chunks.db")))
            {
                await index.ReplaceDocumentAsync(documentId, [.. chunks.Select(c => new IndexedChunk(
                    IndexedChunk.MakeId(documentId, c.Ordinal), documentId, collectionId, "manual.pdf", c.Ordinal,
                    c.PageStart, c.PageEnd, c.HeadingPath, c.CharStart, c.CharEnd, c.Text, Layout: c.Layout))]);
                var hits = await index.SearchLexicalAsync("flange bolts torque newton metres", IndexFilter.For(collectionId), 3);
                stored = hits[0].Chunk;
            }
            Assert.Equal(draft.Layout, stored.Layout);
            Assert.Equal(draft.PageStart, stored.PageStart);

            // The search result's page and the citation's page are the fact's page; pageEnd is the chunk's last page.
            Assert.Equal(FactPage, CitedSpan.PageFor(stored, "flange bolts newton metres"));
            var source = new NumberedSource(1, new SearchResult(stored, 1.0, 1.0, null));
            var citation = source.ToCitation(cited: true, verified: true,
                claim: CitedSpan.ClaimFor("The bolts are tightened to 47 newton metres [1].", 1));
            Assert.Equal(FactPage, citation.Page);
            Assert.Equal(stored.PageEnd, citation.PageEnd);
            Assert.Equal(Fact, stored.Text[(citation.SpanStart!.Value - stored.CharStart)..(citation.SpanEnd!.Value - stored.CharStart)]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_page_start_of_a_chunk_points_at_text_of_that_page()
    {
        var document = new PdfReader().Read(new MemoryStream(SparsePdf(pages: 60)), new ReadLimits(), CancellationToken.None);
        var chunks = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance).Chunk(document);
        foreach (var chunk in chunks)
        {
            var layout = chunk.Layout!;
            Assert.Equal(0, layout.Pages[0].Offset);
            foreach (var start in layout.Pages)
            {
                // Each page's line names its page number ("Maintenance log, page N."), right where the page starts.
                var line = chunk.Text[start.Offset..].Split('\n')[0];
                Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"Maintenance log, page {start.Page}."), line, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A PDF with one short line per page (a sparse manual), and the fact on <see cref="FactPage"/>.</summary>
    private static byte[] SparsePdf(int pages = Pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var n = 1; n <= pages; n++)
        {
            var page = builder.AddPage(PageSize.A4);
            page.AddText(string.Create(CultureInfo.InvariantCulture, $"Maintenance log, page {n}. Unit checked."), 11, new PdfPoint(60, 760), font);
            if (n == FactPage) page.AddText(Fact, 11, new PdfPoint(60, 740), font);
        }
        return builder.Build();
    }
}
