using DocumentFormat.OpenXml.Packaging;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class DocxStructureTests
{
    [SharedDataFact]
    public void Headers_and_footers_are_indexed_once_after_the_body()
    {
        var doc = Read.Shared("docs/openxml-sdk/header&footer.docx");

        Assert.Equal(["Header", "Footer"], doc.Blocks.Select(b => b.Text));
    }

    [SharedDataFact]
    public void Header_text_appears_once_even_with_body_footnotes_and_text_boxes()
    {
        var doc = Read.Shared("docs/tika/testWORD_various.docx");
        var texts = doc.Blocks.Select(b => b.Text).ToList();

        Assert.Single(texts, t => t == "This is the header text.");
        Assert.Single(texts, t => t == "This is the footer text.");
        Assert.Contains("This is a footnote.", texts);
        Assert.Contains("Here is a text box", texts);
        Assert.True(texts.IndexOf("This is the header text.") > texts.IndexOf("Row 1 Col 1 | Row 1 Col 2 | Row 1 Col 3\nRow 2 Col 1 | Row 2 Col 2 | Row 2 Col 3"));
    }

    [SharedDataFact]
    public void Footnotes_and_endnotes_are_indexed()
    {
        Assert.Contains(Read.Shared("docs/tika/footnotes.docx").Blocks, b => b.Text.Length > 0);
        var endnotes = Read.Shared("docs/openxml-sdk/endnote.docx").AllText();
        Assert.False(string.IsNullOrWhiteSpace(endnotes));
    }

    [Fact]
    public void Merged_cells_repeat_vertically_and_pad_horizontally_so_rows_line_up()
    {
        using var ms = new MemoryStream();
        using (var word = WordprocessingDocument.Create(ms, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            static W.TableCell Cell(string text, W.TableCellProperties? props = null)
            {
                var cell = new W.TableCell();
                if (props is not null) cell.Append(props);
                cell.Append(new W.Paragraph(new W.Run(new W.Text(text))));
                return cell;
            }
            var table = new W.Table(
                new W.TableRow(Cell("Region"), Cell("Q1"), Cell("Q2")),
                new W.TableRow(Cell("North", new W.TableCellProperties(new W.VerticalMerge { Val = W.MergedCellValues.Restart })), Cell("Both quarters", new W.TableCellProperties(new W.GridSpan { Val = 2 }))),
                new W.TableRow(Cell("", new W.TableCellProperties(new W.VerticalMerge())), Cell("10"), Cell("12")));
            word.AddMainDocumentPart().Document = new W.Document(new W.Body(table));
        }

        var doc = new DocxReader().Read(new MemoryStream(ms.ToArray()), new ReadLimits(), CancellationToken.None);

        Assert.Equal("Region | Q1 | Q2\nNorth | Both quarters\nNorth | 10 | 12", Assert.Single(doc.Blocks).Text);
    }
}
