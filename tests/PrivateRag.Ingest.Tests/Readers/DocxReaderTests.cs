using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class DocxReaderTests
{
    [SharedDataFact]
    public void Headings_keep_their_levels_and_tables_stay_in_body_order()
    {
        var doc = Read.Shared("docs/openxml-sdk/Complex01.docx");

        var headings = doc.Blocks.Where(b => b.Kind == BlockKind.Heading).ToList();
        Assert.Contains(headings, h => h.Text == "Heading 1" && h.HeadingLevel == 1);
        Assert.Contains(headings, h => h.Text == "This is Heading 2" && h.HeadingLevel == 2);
        Assert.Contains(headings, h => h.Text == "Second Heading 1" && h.HeadingLevel == 1);
        var table = doc.Blocks.First(b => b.Kind == BlockKind.Table && b.Text.StartsWith("Lorem ipsum dolor sit amet | ", StringComparison.Ordinal));
        Assert.Contains("Lorem ipsum dolor sit amet | Consectetuer adipiscing elit | Maecenas porttitor congue massa.", table.Text, StringComparison.Ordinal);
        Assert.True(Index(doc, b => b.Text == "Second Heading 1") < doc.Blocks.ToList().IndexOf(table));
        Assert.All(doc.Blocks, b => Assert.Equal(1, b.Page));
        Assert.Equal(1, doc.PageCount);
    }

    [SharedDataFact]
    public void Paragraphs_and_tables_interleave_in_body_order()
    {
        var doc = Read.Shared("docs/python-docx/blk-paras-and-tables.docx");

        // The body; its header and footer (tables here) follow once, after it.
        Assert.Equal([BlockKind.Paragraph, BlockKind.Table, BlockKind.Paragraph], doc.Blocks.Take(3).Select(b => b.Kind));
        Assert.Equal("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", doc.Blocks[0].Text);
        Assert.Contains("Between", doc.Blocks[1].Text, StringComparison.Ordinal);
        Assert.Equal("Donec semper facilisis metus finibus malesuada.", doc.Blocks[2].Text);
    }

    [SharedDataFact]
    public void Numbered_list_paragraphs_are_list_items()
    {
        var doc = Read.Shared("docs/tika/testWORD_numbered_list.docx");

        Assert.Contains(doc.Blocks, b => b.Kind == BlockKind.ListItem && b.Text == "This");
        Assert.Contains(doc.Blocks, b => b.Kind == BlockKind.Paragraph && b.Text == "Intervening paragraph");
    }

    [SharedDataFact]
    public void Tracked_deletions_are_not_indexed_but_insertions_are()
    {
        var text = Read.Shared("docs/tika/testWORD_features.docx").AllText();

        Assert.NotEmpty(text);
        Assert.DoesNotContain("  ", text, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Truncated_docx_is_rejected_as_corrupt()
    {
        var ex = Read.Rejection("docs/tika/testWORD_truncated.docx");

        Assert.Equal(RejectReason.Corrupt, ex.Reason);
        Assert.StartsWith("The DOCX", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Docx_with_a_broken_package_part_still_yields_its_text()
    {
        var doc = Read.Shared("docs/openxml-sdk/InvalidDocProps.docx");

        Assert.Contains("Video provides a powerful way to help you prove your point.", doc.AllText(), StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Docx_with_only_images_is_rejected_as_having_no_text()
    {
        Assert.Equal(RejectReason.NoText, Read.Rejection("docs/python-docx/having-images.docx").Reason);
    }

    [Fact]
    public void Encrypted_office_container_is_rejected_as_encrypted()
    {
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0, 0, 0, 0];
        using var file = new TempFile(".docx", ole);

        var ex = Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path));

        Assert.Equal(RejectReason.Encrypted, ex.Reason);
        Assert.Contains("password-protected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_with_a_docx_extension_is_rejected_as_corrupt()
    {
        using var file = new TempFile(".docx", "just some text");

        Assert.Equal(RejectReason.Corrupt, Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path)).Reason);
    }

    [Fact]
    public void Zip_without_word_document_is_rejected_as_corrupt()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("hello.txt").Open());
            writer.Write("hello");
        }
        using var file = new TempFile(".docx", buffer.ToArray());

        Assert.Equal(RejectReason.Corrupt, Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path)).Reason);
    }

    private static int Index(ExtractedDocument doc, Func<ExtractedBlock, bool> match) => doc.Blocks.ToList().FindIndex(b => match(b));
}
