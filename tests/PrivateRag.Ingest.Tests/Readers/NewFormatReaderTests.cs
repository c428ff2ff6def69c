using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Tests.Support;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class NewFormatReaderTests
{
    private static ExtractedDocument ReadBytes(string name, byte[] bytes) =>
        Read.Registry.For(name).Read(new MemoryStream(bytes), new ReadLimits(), CancellationToken.None);

    [Fact]
    public void Pptx_slides_are_pages_with_titles_as_headings_tables_as_rows_and_notes()
    {
        var pptx = OfficeWriter.Pptx(
            new OfficeWriter.Slide("Quarterly results", ["Revenue grew", "Costs fell"], Notes: "Mention the weather."),
            new OfficeWriter.Slide("Regions", [], Table: [["Region", "Sales"], ["North", "10"]]));

        var doc = ReadBytes("deck.pptx", pptx);

        Assert.Equal(2, doc.PageCount);
        Assert.Equal(new ExtractedBlock(1, BlockKind.Heading, "Quarterly results", 1), doc.Blocks[0]);
        Assert.Contains(doc.Blocks, b => b.Page == 1 && b.Text == "Revenue grew");
        Assert.Contains(doc.Blocks, b => b.Page == 1 && b.Text == "Mention the weather.");
        Assert.Contains(doc.Blocks, b => b.Page == 2 && b.Kind == BlockKind.Heading && b.Text == "Regions");
        Assert.Contains(doc.Blocks, b => b.Page == 2 && b.Kind == BlockKind.Table && b.Text == "Region | Sales\nNorth | 10");
    }

    [Fact]
    public void Pptx_notes_can_be_left_out()
    {
        var pptx = OfficeWriter.Pptx(new OfficeWriter.Slide("T", ["Body"], Notes: "Secret speaker note"));

        var doc = new PptxReader(includeNotes: false).Read(new MemoryStream(pptx), new ReadLimits(), CancellationToken.None);

        Assert.DoesNotContain(doc.Blocks, b => b.Text.Contains("Secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Xlsx_sheets_are_pages_of_table_rows_with_the_header_repeated_in_every_block()
    {
        var rows = new List<object?[]> { new object?[] { "Name", "Amount", "Note" } };
        for (var i = 1; i <= 90; i++) rows.Add([$"item {i}", i * 1.5, i == 3 ? null : "ok"]);
        var xlsx = OfficeWriter.Xlsx(("Costs", rows.ToArray()), ("Empty", []), ("Other", [["x", null, "z"]]));

        var doc = ReadBytes("book.xlsx", xlsx);

        Assert.Equal(3, doc.PageCount);
        Assert.Equal(new ExtractedBlock(1, BlockKind.Heading, "Costs", 1), doc.Blocks[0]);
        var tables = doc.Blocks.Where(b => b.Page == 1 && b.Kind == BlockKind.Table).ToList();
        Assert.Equal(3, tables.Count); // 91 rows in blocks of 40
        Assert.All(tables, t => Assert.StartsWith("Name | Amount | Note\n", t.Text, StringComparison.Ordinal));
        Assert.Contains("item 3 | 4.5\n", tables[0].Text, StringComparison.Ordinal);
        Assert.Contains("item 90 | 135 | ok", tables[2].Text, StringComparison.Ordinal);
        Assert.Contains(doc.Blocks, b => b.Page == 3 && b.Text == "x |  | z");
    }

    [Fact]
    public void Html_keeps_headings_paragraphs_lists_and_tables_and_drops_scripts_and_styles()
    {
        const string html = """
            <html><head><title>Guide &amp; more</title><style>p { color: red }</style></head>
            <body><script>alert('x')</script>
            <h1>Install</h1><p>Run the <b>installer</b>.</p>
            <ul><li>First step</li><li>Second step</li></ul>
            <h2>Ports</h2>
            <table><tr><th>Port</th><th>Use</th></tr><tr><td>443</td><td>HTTPS</td></tr></table>
            <div>Closing words<!-- hidden comment --></div>
            </body></html>
            """;

        var doc = ReadBytes("guide.html", System.Text.Encoding.UTF8.GetBytes(html));

        Assert.Equal("Guide & more", doc.Title);
        Assert.Equal(
            [
                new ExtractedBlock(1, BlockKind.Heading, "Install", 1),
                new ExtractedBlock(1, BlockKind.Paragraph, "Run the installer."),
                new ExtractedBlock(1, BlockKind.ListItem, "First step"),
                new ExtractedBlock(1, BlockKind.ListItem, "Second step"),
                new ExtractedBlock(1, BlockKind.Heading, "Ports", 2),
                new ExtractedBlock(1, BlockKind.Table, "Port | Use\n443 | HTTPS"),
                new ExtractedBlock(1, BlockKind.Paragraph, "Closing words"),
            ], doc.Blocks);
    }

    [Fact]
    public void Csv_rows_become_table_blocks_with_quotes_and_the_delimiter_understood()
    {
        const string csv = "city;note\n\"Paris\";\"says \"\"bonjour\"\"; twice\"\nRome;\"multi\nline\"\n";

        var doc = ReadBytes("cities.csv", System.Text.Encoding.UTF8.GetBytes(csv));

        var table = Assert.Single(doc.Blocks);
        Assert.Equal(BlockKind.Table, table.Kind);
        Assert.Equal("city | note\nParis | says \"bonjour\"; twice\nRome | multi line", table.Text);
    }

    [Fact]
    public void A_zip_bomb_pptx_or_xlsx_is_refused_like_a_docx()
    {
        var bomb = OfficeFiles.ZipBombDocx(megabytes: 16);

        var ex = Assert.Throws<DocumentRejectedException>(() => ReadBytes("bomb.xlsx", bomb));

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("Ingestion:MaxCompressionRatio", ex.Message, StringComparison.Ordinal);
    }
}
