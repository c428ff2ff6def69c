using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class PdfReaderTests
{
    [SharedDataFact]
    public void GeoTopo_reads_all_117_pages_with_text_on_the_right_page()
    {
        var doc = Read.Shared("docs/pypdf-sample-files/GeoTopo-komprimiert.pdf");

        Assert.Equal(117, doc.PageCount);
        Assert.Equal("Geometrie und Topologie", doc.Title);
        Assert.All(doc.Blocks, b => Assert.InRange(b.Page, 1, 117));
        Assert.Contains("Martin Thoma", doc.PageText(1), StringComparison.Ordinal);
        Assert.Contains("heißt Metrik", doc.PageText(10), StringComparison.Ordinal);
        Assert.DoesNotContain("heißt Metrik", doc.PageText(9), StringComparison.Ordinal);
        Assert.Contains(doc.Blocks, b => b.Page == 10 && b.Kind == BlockKind.Heading && b.Text == "1.2 Metrische Räume");
        // Pages come in order and words are separated.
        Assert.Equal(doc.Blocks.Select(b => b.Page).Order(), doc.Blocks.Select(b => b.Page));
        Assert.Contains("Einführung in die Geometrie und Topologie", doc.AllText(), StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Two_column_page_reads_column_by_column()
    {
        var doc = Read.Shared("docs/pypdf-sample-files/multicolumn.pdf");

        Assert.Equal(3, doc.PageCount);
        var page1 = doc.PageText(1);
        // The abstract and the first column's text are contiguous, not interleaved with the second column.
        Assert.Contains("This is a sample document with two columns filled with Lorem Ipsum text.", page1, StringComparison.Ordinal);
        Assert.Contains("Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Ut purus elit, vestibulum ut, placerat ac", page1, StringComparison.Ordinal);
        Assert.Contains(doc.Blocks, b => b.Kind == BlockKind.Heading && b.Text == "Two-Column Document with Lorem Ipsum");
    }

    [SharedDataFact]
    public void Financial_statement_tables_keep_each_row_with_its_figures()
    {
        var doc = Read.Shared("eval/sec10q/pdfs/2022 Q3 AAPL.pdf");

        var tables = doc.Blocks.Where(b => b.Kind == BlockKind.Table).ToList();
        Assert.NotEmpty(tables);
        // One row per line, cells in order, the currency sign kept with its figure.
        var rows = tables.SelectMany(t => t.Text.Split('\n')).ToList();
        Assert.Contains("Total net sales | 82,959 | 81,434 | 304,182 | 282,457", rows);
        Assert.Contains(rows, r => r.StartsWith("Total net sales", StringComparison.Ordinal) && r.Contains("| $ 82,959 |", StringComparison.Ordinal));
        // Prose stays prose.
        Assert.Contains(doc.Blocks, b => b.Kind == BlockKind.Paragraph
            && b.Text.StartsWith("Total net sales increased 2% or $1.5 billion during the third quarter of 2022", StringComparison.Ordinal));
    }

    [SharedDataFact]
    public void Form_tables_keep_rows_of_cells()
    {
        var doc = Read.Shared("docs/pdfpig/FICTIF_TABLE_INDEX.pdf");

        var rows = doc.Blocks.Where(b => b.Kind == BlockKind.Table).SelectMany(t => t.Text.Split('\n')).ToList();
        Assert.Contains("100040 | SALAIRE DE BASE | 151,67 | 12,00000 | 1.820,04", rows);
        Assert.Contains("390010 | Congés Payés(2023) 28/10 | 1,00 | 96,00000 | 96,00", rows);
    }

    [SharedDataFact]
    public void Text_column_beside_a_sidebar_is_not_interleaved_with_it()
    {
        // A browser-printed Wikipedia page: the article's text runs beside an infobox.
        var doc = Read.Shared("docs/pdfpig/Type0 Font.pdf");

        Assert.Contains("The Powder River Examiner, originally established in October, 1918 as the Broadus Independent, is the only newspaper printed in Powder River County",
            doc.PageText(1), StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Two_column_paper_keeps_sentences_together()
    {
        var doc = Read.Shared("docs/pdfpig/2108.11480.pdf");

        Assert.Equal(5, doc.PageCount);
        Assert.Equal("On Approximate Nearest Neighbour Selection for Multi-Stage Dense Retrieval", doc.Title);
        Assert.Contains("Dense retrieval, which describes the use of contextualised language models such as BERT to identify documents",
            doc.PageText(1), StringComparison.Ordinal);
    }

    [SharedDataTheory]
    [InlineData("docs/pypdf-sample-files/libreoffice-writer-password.pdf")]
    [InlineData("docs/pdfpig/encrypted-password-is-password.pdf")]
    [InlineData("docs/pdfminer/rc4-40.pdf")]
    [InlineData("docs/pdfminer/aes-256.pdf")]
    [InlineData("docs/tika/testPDF_no_extract_no_accessibility_owner_user.pdf")]
    public void Password_protected_pdf_is_rejected_as_encrypted(string file)
    {
        var ex = Read.Rejection(file);

        Assert.Equal(RejectReason.Encrypted, ex.Reason);
        Assert.Contains("password-protected", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Pdf_that_overflowed_the_parser_stack_is_rejected_as_corrupt_without_crashing()
    {
        var ex = Read.Rejection("docs/pdfpig/stackoverflow_error.pdf");

        Assert.Equal(RejectReason.Corrupt, ex.Reason);
        Assert.Contains("nesting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_with_a_pdf_extension_is_rejected_as_corrupt()
    {
        using var file = new TempFile(".pdf", "%PDF-1.7\nthis is not a pdf at all\n%%EOF");

        var ex = Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path));

        Assert.Equal(RejectReason.Corrupt, ex.Reason);
        Assert.StartsWith("The PDF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_rejected_as_corrupt()
    {
        using var file = new TempFile(".pdf", []);

        Assert.Equal(RejectReason.Corrupt, Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path)).Reason);
    }

    [SharedDataFact]
    public void Pdf_over_the_page_limit_is_rejected_naming_the_limit()
    {
        var ex = Read.Rejection("docs/pypdf-sample-files/GeoTopo-komprimiert.pdf", new ReadLimits(MaxPages: 100));

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("117 pages", ex.Message, StringComparison.Ordinal);
        Assert.Contains("limit is 100 pages", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Pdf_over_the_character_limit_is_rejected_as_too_large()
    {
        var ex = Read.Rejection("docs/pypdf-sample-files/pdflatex-4-pages.pdf", new ReadLimits(MaxExtractedChars: 1000));

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("1,000", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Reading_stops_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Read.Shared("docs/pypdf-sample-files/GeoTopo-komprimiert.pdf", ct: cts.Token));
    }

    [SharedDataFact]
    public void Owner_password_only_pdf_is_read()
    {
        var doc = Read.Shared("docs/tika/testPDF_protected.pdf");

        Assert.Equal(41, doc.PageCount);
        Assert.StartsWith("Rethinking the Financial Network", doc.Title, StringComparison.Ordinal);
        Assert.Contains("Haldane", doc.PageText(1), StringComparison.Ordinal);
    }
}
