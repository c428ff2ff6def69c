using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Dgm = DocumentFormat.OpenXml.Drawing.Diagrams;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;

namespace PrivateRag.Ingest.Tests.Support;

/// <summary>Writes small PPTX and XLSX files with the Open XML SDK (only the parts the readers look at).</summary>
internal static class OfficeWriter
{
    /// <param name="Graphic">A chart or SmartArt data part (its XML) to place in a graphic frame on the slide.</param>
    public sealed record Slide(string Title, string[] Body, string? Notes = null, string[][]? Table = null, GraphicPart? Graphic = null);

    public sealed record GraphicPart(bool IsChart, byte[] Xml);

    public static byte[] Pptx(params Slide[] slides)
    {
        using var ms = new MemoryStream();
        using (var doc = PresentationDocument.Create(ms, PresentationDocumentType.Presentation))
        {
            var presentation = doc.AddPresentationPart();
            var ids = new P.SlideIdList();
            uint id = 256;
            foreach (var s in slides)
            {
                var part = presentation.AddNewPart<SlidePart>();
                var tree = new P.ShapeTree(
                    new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                    new P.GroupShapeProperties());
                // Body before title in the tree: the reader must still put the title first.
                tree.Append(Shape(2, null, s.Body));
                tree.Append(Shape(3, P.PlaceholderValues.Title, [s.Title]));
                if (s.Table is not null)
                {
                    var table = new A.Table(new A.TableGrid());
                    foreach (var row in s.Table)
                        table.Append(new A.TableRow(row.Select(c => new A.TableCell(new A.TextBody(new A.BodyProperties(), new A.Paragraph(new A.Run(new A.Text(c)))))).ToArray()) { Height = 100 });
                    tree.Append(new P.GraphicFrame(
                        new P.NonVisualGraphicFrameProperties(new P.NonVisualDrawingProperties { Id = 4, Name = "t" }, new P.NonVisualGraphicFrameDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                        new P.Transform(), new A.Graphic(new A.GraphicData(table) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/table" })));
                }
                if (s.Graphic is { } graphic) tree.Append(GraphicFrame(part, graphic));
                part.Slide = new P.Slide(new P.CommonSlideData(tree));
                if (s.Notes is not null)
                {
                    var notes = part.AddNewPart<NotesSlidePart>();
                    notes.NotesSlide = new P.NotesSlide(new P.CommonSlideData(new P.ShapeTree(
                        new P.NonVisualGroupShapeProperties(new P.NonVisualDrawingProperties { Id = 1, Name = "" }, new P.NonVisualGroupShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                        new P.GroupShapeProperties(), Shape(2, P.PlaceholderValues.Body, [s.Notes]))));
                }
                ids.Append(new P.SlideId { Id = id++, RelationshipId = presentation.GetIdOfPart(part) });
            }
            presentation.Presentation = new P.Presentation(ids);
        }
        return ms.ToArray();
    }

    private static P.GraphicFrame GraphicFrame(SlidePart slide, GraphicPart graphic)
    {
        OpenXmlElement reference;
        string uri;
        if (graphic.IsChart)
        {
            var chart = slide.AddNewPart<ChartPart>();
            chart.FeedData(new MemoryStream(graphic.Xml));
            reference = new C.ChartReference { Id = slide.GetIdOfPart(chart) };
            uri = "http://schemas.openxmlformats.org/drawingml/2006/chart";
        }
        else
        {
            var data = slide.AddNewPart<DiagramDataPart>();
            data.FeedData(new MemoryStream(graphic.Xml));
            reference = new Dgm.RelationshipIds { DataPart = slide.GetIdOfPart(data), LayoutPart = "", StylePart = "", ColorPart = "" };
            uri = "http://schemas.openxmlformats.org/drawingml/2006/diagram";
        }
        return new P.GraphicFrame(
            new P.NonVisualGraphicFrameProperties(new P.NonVisualDrawingProperties { Id = 5, Name = "g" }, new P.NonVisualGraphicFrameDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
            new P.Transform(), new A.Graphic(new A.GraphicData(reference) { Uri = uri }));
    }

    private static P.Shape Shape(uint id, P.PlaceholderValues? placeholder, string[] paragraphs)
    {
        var app = new P.ApplicationNonVisualDrawingProperties();
        if (placeholder is { } type) app.Append(new P.PlaceholderShape { Type = type });
        else app.Append(new P.PlaceholderShape { Index = 1 });
        return new P.Shape(
            new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = id, Name = $"s{id}" }, new P.NonVisualShapeDrawingProperties(), app),
            new P.ShapeProperties(),
            new P.TextBody(new OpenXmlElement[] { new A.BodyProperties(), new A.ListStyle() }.Concat(paragraphs.Select(p => new A.Paragraph(new A.Run(new A.Text(p))))).ToArray()));
    }

    /// <summary>Sheets of rows; a null cell is left out (a gap), strings go to the shared-string table, numbers inline.</summary>
    public static byte[] Xlsx(params (string Name, object?[][] Rows)[] sheets)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            var shared = workbook.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new S.SharedStringTable();
            var strings = new List<string>();
            var sheetList = new S.Sheets();
            uint sheetId = 1;
            foreach (var (name, rows) in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var data = new S.SheetData();
                for (var r = 0; r < rows.Length; r++)
                {
                    var row = new S.Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < rows[r].Length; c++)
                    {
                        var value = rows[r][c];
                        if (value is null) continue;
                        var reference = $"{(char)('A' + c)}{r + 1}";
                        if (value is string s)
                        {
                            var index = strings.IndexOf(s);
                            if (index < 0) { strings.Add(s); index = strings.Count - 1; }
                            row.Append(new S.Cell { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
                        }
                        else
                        {
                            row.Append(new S.Cell { CellReference = reference, CellValue = new S.CellValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!) });
                        }
                    }
                    data.Append(row);
                }
                part.Worksheet = new S.Worksheet(data);
                sheetList.Append(new S.Sheet { Name = name, SheetId = sheetId++, Id = workbook.GetIdOfPart(part) });
            }
            foreach (var s in strings) shared.SharedStringTable.Append(new S.SharedStringItem(new S.Text(s)));
            workbook.Workbook = new S.Workbook(sheetList);
        }
        return ms.ToArray();
    }
}
