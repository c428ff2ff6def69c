using System.Text.RegularExpressions;
using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

/// <summary>Script, direction and orientation features of real PDFs, and DOCX structure not covered elsewhere.</summary>
public sealed partial class ReaderFeatureTests
{
    [SharedDataFact]
    public void Arabic_with_a_logical_order_text_layer_stays_in_logical_order()
    {
        var doc = Read.Shared("docs/pypdf-sample-files/habibi.pdf");

        // ح ب ي ب ي as typed (with its fatha), not reversed, beside the Latin transliteration.
        Assert.Equal("حَبيبي habibi حَبيبي", doc.PageText(1));
    }

    [SharedDataFact]
    public void Arabic_set_as_shaped_glyphs_left_to_right_is_turned_back_into_searchable_logical_order()
    {
        var doc = Read.Shared("docs/pdfpig/Single Page Non Latin - from acrobat distiller.pdf");

        // Acrobat Distiller wrote "ﺪﻤﺤﻣ" (final dal first): it reads as the base letters of "Muhammad" in typing order.
        Assert.Equal("Hello محمد World.", doc.PageText(1));
    }

    [Theory]
    [InlineData("\uFEE3\uFEA4\uFEE4\uFEAA", "محمد")] // shaped and already in typing order: only the forms change
    [InlineData("\uFEAA\uFEE4\uFEA4\uFEE3 \uFEE6\uFEB4\uFEA3", "حسن محمد")] // two words placed left to right
    [InlineData("حَبيبي", "حَبيبي")] // base letters: untouched
    public void Shaped_arabic_is_reordered_only_when_it_is_in_visual_order(string extracted, string expected)
    {
        Assert.Equal(expected, ArabicPresentationForms.ToLogical(extracted));
    }

    [SharedDataFact]
    public void Armenian_is_read_letter_for_letter()
    {
        Assert.Equal("փոքրիկ խոզ", Read.Shared("docs/pdfpig/little-pig-in-armenian.pdf").PageText(1));
    }

    [SharedDataFact]
    public void A_page_rotated_90_degrees_reads_like_an_upright_one()
    {
        var doc = Read.Shared("docs/pdfpig/SinglePage90ClockwiseRotation - from PdfPig.pdf");

        Assert.Equal("Hello World! This is some further text continuing to write", Normalized(doc.PageText(1)));
    }

    [SharedDataFact]
    public void Chinese_pages_with_45_degree_text_keep_their_sentences_and_pages()
    {
        var doc = Read.Shared("docs/pdfpig/Rotation 45.pdf");

        Assert.Equal(4, doc.PageCount);
        Assert.Contains(doc.Blocks, b => b.Page == 1 && b.Text == "第 1 节 分数巧算");
        // (The multiplication sign between the brackets is a Symbol-font glyph without a Unicode mapping.)
        Assert.Contains("1、若A*B表示(A+3B)", doc.PageText(3), StringComparison.Ordinal);
        Assert.Contains("(A+B) ，求5*7的值。", doc.PageText(3), StringComparison.Ordinal);
        Assert.Contains("7、规定新运算※:a※b=3a-2b.若 x※(4※1)=7,则 x 的值是多少？", doc.PageText(4), StringComparison.Ordinal);
        Assert.Contains("学习更多课程请加微信：adcadc2023", doc.PageText(1), StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Text_set_at_many_angles_keeps_its_words_whole()
    {
        var text = Read.Shared("docs/tika/testPDF_angles.pdf").AllText();

        Assert.Contains("In the 21st century, the seas remain an unforgiving environment.", text, StringComparison.Ordinal);
        Assert.Contains("From diamonds to gold to bauxite, Earth is chock-full of valuable resources.", text, StringComparison.Ordinal);
        Assert.Contains("MOST IN-DEMAND ENGINEERING MAJOR", text, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void A_type0_cid_font_page_matches_the_expected_text()
    {
        var expected = Compact(File.ReadAllText(SharedData.File("docs/pdfpig/Type0 Font.txt")!));
        var actual = Compact(Read.Shared("docs/pdfpig/Type0 Font.pdf").AllText());

        // The .txt is PdfPig's content-stream order; ours is reading order, so compare 25-character runs, not the whole.
        var runs = Enumerable.Range(0, expected.Length / 25).Select(i => expected.Substring(i * 25, 25)).ToList();
        var found = runs.Count(r => actual.Contains(r, StringComparison.Ordinal));
        Assert.True(found >= runs.Count * 0.8, $"{found} of {runs.Count} runs of the expected text found");
        Assert.Contains("ThePowderRiverExaminer,originallyestablishedinOctober,1918astheBroadusIndependent", actual, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void A_footnote_follows_the_body_text_that_refers_to_it()
    {
        var doc = Read.Shared("docs/tika/footnotes.docx");

        Assert.Equal(["Eto ochen prostoy text so snoskoy", "snoska"], doc.Blocks.Select(b => b.Text));
    }

    [SharedDataFact]
    public void Text_boxes_in_body_header_and_footer_are_each_read_once_in_order()
    {
        var doc = Read.Shared("docs/tika/testWORD_text_box.docx");

        Assert.Equal(
            [
                "This text is directly in the body of the document.",
                "This text is inside of a text box in the body of the document.",
                "This text is inside of a text box in the header of the document.",
                "This text is inside of a text box in the footer of the document.",
            ],
            doc.Blocks.Select(b => b.Text));
    }

    [SharedDataFact]
    public void An_endnote_holding_a_table_keeps_the_table()
    {
        var doc = Read.Shared("docs/tika/testWORD_endnote_table.docx");

        Assert.Contains(doc.Blocks, b => b.Kind == BlockKind.Table);
        Assert.Equal(BlockKind.Paragraph, doc.Blocks[0].Kind);
    }

    [SharedDataFact]
    public void Cells_spanning_columns_in_a_real_table_are_padded_so_columns_line_up()
    {
        var table = Assert.Single(Read.Shared("docs/openxml-sdk/complex tables.docx").Blocks, b => b.Kind == BlockKind.Table);
        var rows = table.Text.Split('\n');

        Assert.Equal("LEADERSHIP SKILLS", rows[0]);
        Assert.Contains("FUNCTIONAL SKILLS |  |  |  |  |  | <25 employees | 25-100 employees | >100 employees", rows);
    }

    private static string Normalized(string text) => Space().Replace(text, " ").Trim();

    private static string Compact(string text) => Space().Replace(text, "");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
