using System.IO.Compression;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

/// <summary>Text kept in chart and SmartArt parts is indexed where the drawing is anchored.</summary>
public sealed class GraphicTextTests
{
    private const string PieChart = "docs/tika/testWORD_charts.docx";
    private const string WithSmartArtAndChart = "docs/openxml-sdk/Complex01.docx";

    [SharedDataFact]
    public void A_docx_whose_only_content_is_a_chart_yields_its_title_and_data()
    {
        var doc = Read.Shared(PieChart);

        Assert.Equal(
            [
                (BlockKind.Paragraph, "wants a peach"),
                (BlockKind.Table, " | NUMBER\nJanuary | 5\nFebruary | 8\nMarch | 4\nApril | 7\nMay | 4\nJune | 2\nJuly | 5\nAugust | 6"),
            ],
            doc.Blocks.Select(b => (b.Kind, b.Text)));
    }

    [SharedDataFact]
    public void SmartArt_nodes_become_list_items_and_a_chart_its_series_table_where_they_are_anchored()
    {
        var doc = Read.Shared(WithSmartArtAndChart);
        var texts = doc.Blocks.Select(b => b.Text).ToList();

        var items = doc.Blocks.Where(b => b.Text is "Item 1" or "Item 2" or "Item 3").ToList();
        Assert.Equal(["Item 1", "Item 2", "Item 3"], items.Select(b => b.Text));
        Assert.All(items, b => Assert.Equal(BlockKind.ListItem, b.Kind));
        Assert.Equal(texts.IndexOf("Item 1") + 1, texts.IndexOf("Item 2"));
        // The diagram is anchored in an empty paragraph right after this one, at the end of the body.
        Assert.Equal("Click Insert and then choose the elements you want from the different galleries.", texts[texts.IndexOf("Item 1") - 1]);

        var chart = Assert.Single(doc.Blocks, b => b.Kind == BlockKind.Table && b.Text.Contains("Series 1", StringComparison.Ordinal));
        Assert.Equal(" | Series 1 | Series 2 | Series 3\nCategory 1 | 4.3 | 2.4 | 2\nCategory 2 | 2.5 | 4.4 | 2\nCategory 3 | 3.5 | 1.8 | 3\nCategory 4 | 4.5 | 2.8 | 5", chart.Text);
        // The chart (untitled) is anchored in the document's first paragraph.
        Assert.Same(chart, doc.Blocks[0]);
    }

    [SharedDataFact]
    public void A_pptx_chart_and_SmartArt_are_read_on_their_slide()
    {
        var pptx = OfficeWriter.Pptx(
            new OfficeWriter.Slide("Peaches", ["Who wants one"], Graphic: new OfficeWriter.GraphicPart(true, Part(PieChart, "word/charts/chart1.xml"))),
            new OfficeWriter.Slide("Plan", ["Steps"], Graphic: new OfficeWriter.GraphicPart(false, Part(WithSmartArtAndChart, "word/diagrams/data1.xml"))));

        var doc = new PptxReader().Read(new MemoryStream(pptx), new ReadLimits(), CancellationToken.None);

        Assert.Contains(doc.Blocks, b => b.Page == 1 && b.Kind == BlockKind.Paragraph && b.Text == "wants a peach");
        Assert.Contains(doc.Blocks, b => b.Page == 1 && b.Kind == BlockKind.Table && b.Text.Contains("August | 6", StringComparison.Ordinal));
        Assert.Equal(["Item 1", "Item 2", "Item 3"], doc.Blocks.Where(b => b.Page == 2 && b.Kind == BlockKind.ListItem).Select(b => b.Text));
    }

    [SharedDataFact]
    public void A_broken_chart_part_costs_only_the_chart()
    {
        var docx = OfficeFiles.WithPart(File.ReadAllBytes(SharedData.File(WithSmartArtAndChart)!), "word/charts/chart1.xml", "<c:chartSpace xmlns:c='http://schemas.openxmlformats.org/drawingml/2006/chart'><c:chart>");

        var doc = new DocxReader().Read(new MemoryStream(docx), new ReadLimits(), CancellationToken.None);

        Assert.DoesNotContain(doc.Blocks, b => b.Text.Contains("Series 1", StringComparison.Ordinal));
        Assert.Contains(doc.Blocks, b => b.Text == "Item 2");
    }

    private static byte[] Part(string package, string partName)
    {
        using var zip = new ZipArchive(File.OpenRead(SharedData.File(package)!));
        using var stream = zip.GetEntry(partName)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
