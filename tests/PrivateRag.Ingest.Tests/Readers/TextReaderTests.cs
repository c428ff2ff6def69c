using System.Text;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class TextReaderTests
{
    [Fact]
    public void Plain_text_paragraphs_split_on_blank_lines_and_lines_are_joined()
    {
        using var file = new TempFile(".txt", "First line\nof the first   paragraph.\n\n \t \nSecond para-\ngraph with a hyphen\u0000.\r\n\r\nThird.");

        var doc = Read.File(file.Path);

        Assert.Equal(["First line of the first paragraph.", "Second paragraph with a hyphen.", "Third."], doc.Blocks.Select(b => b.Text));
        Assert.All(doc.Blocks, b => Assert.Equal((1, BlockKind.Paragraph), (b.Page, b.Kind)));
    }

    [Theory]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    [InlineData("utf-8")]
    public void Plain_text_encoding_is_detected_from_the_bom(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        using var file = new TempFile(".txt", [.. encoding.GetPreamble(), .. encoding.GetBytes("Grüße aus Köln — ünïcödé.")]);

        Assert.Equal("Grüße aus Köln — ünïcödé.", Assert.Single(Read.File(file.Path).Blocks).Text);
    }

    [Fact]
    public void Plain_text_is_normalized_to_nfc()
    {
        using var file = new TempFile(".txt", "Cafe\u0301");

        Assert.Equal("Caf\u00e9", Assert.Single(Read.File(file.Path).Blocks).Text);
    }

    [Fact]
    public void Latin1_text_without_bom_is_still_read()
    {
        using var file = new TempFile(".txt", Encoding.Latin1.GetBytes("Stra\u00dfe"));

        Assert.Equal("Straße", Assert.Single(Read.File(file.Path).Blocks).Text);
    }

    [Fact]
    public void Empty_text_file_is_rejected_as_having_no_text()
    {
        using var file = new TempFile(".txt", " \n\n ");

        Assert.Equal(RejectReason.NoText, Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path)).Reason);
    }

    [Fact]
    public void Text_over_the_character_limit_is_rejected_as_too_large()
    {
        using var file = new TempFile(".txt", new string('a', 5000));

        var ex = Assert.Throws<DocumentRejectedException>(() => Read.File(file.Path, new ReadLimits(MaxExtractedChars: 1000)));

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
    }

    [Fact]
    public void Markdown_yields_headings_paragraphs_lists_tables_and_code_without_markup()
    {
        const string markdown = """
            ---
            title: front matter is skipped
            ---
            # Guide

            Some *emphasis*, a [link](https://example.com) and `code`.

            ## Install

            - first item
            - second **bold** item
              1. nested item

            | Name | Value |
            |------|-------|
            | a    | 1     |
            | b    | 2     |

            ```bash
            dotnet build
            dotnet test
            ```

            > quoted text
            """;
        using var file = new TempFile(".md", markdown);

        var doc = Read.File(file.Path);

        Assert.Equal("Guide", doc.Title);
        Assert.Equal(
            [
                (BlockKind.Heading, "Guide", 1),
                (BlockKind.Paragraph, "Some emphasis, a link and code.", 0),
                (BlockKind.Heading, "Install", 2),
                (BlockKind.ListItem, "first item", 0),
                (BlockKind.ListItem, "second bold item", 0),
                (BlockKind.ListItem, "nested item", 0),
                (BlockKind.Table, "Name | Value\na | 1\nb | 2", 0),
                (BlockKind.Paragraph, "dotnet build\ndotnet test", 0),
                (BlockKind.Paragraph, "quoted text", 0),
            ],
            doc.Blocks.Select(b => (b.Kind, b.Text, b.HeadingLevel)));
    }

    [Fact]
    public void Markdown_extension_is_case_insensitive()
    {
        using var file = new TempFile(".MARKDOWN", "# Title\n\ntext");

        Assert.Equal(2, Read.File(file.Path).Blocks.Count);
    }
}
