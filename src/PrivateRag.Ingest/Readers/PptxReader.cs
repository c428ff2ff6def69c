using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads PPTX: one page per slide in presentation order (hidden slides skipped); the title placeholder becomes a
/// level-1 heading, other shapes' paragraphs follow in shape-tree order (group shapes included), tables become table
/// blocks, charts and SmartArt their text (see <see cref="GraphicText"/>), and the speaker notes (when <see cref="IncludeNotes"/>) come last on the slide's page.
/// </summary>
public sealed class PptxReader(bool includeNotes = true) : IDocumentReader
{
    private const string Format = "PPTX";

    public bool IncludeNotes { get; } = includeNotes;

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Pptx];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var bytes = OfficePackage.ReadChecked(content, limits, Format, ct);
        try
        {
            using var doc = PresentationDocument.Open(new MemoryStream(bytes, writable: false), false, OfficePackage.Settings(limits));
            var part = doc.PresentationPart ?? throw new DocumentRejectedException(RejectReason.Corrupt, "The PPTX has no presentation part.");
            var ids = part.Presentation?.SlideIdList?.Elements<P.SlideId>().ToList() ?? [];
            if (ids.Count > limits.MaxPages)
            {
                throw new DocumentRejectedException(RejectReason.TooLarge,
                    $"The PPTX has {ids.Count} slides; the limit is {limits.MaxPages} pages (Ingestion:MaxPages).");
            }
            var collector = new BlockCollector(limits, Format);
            var number = 0;
            foreach (var id in ids)
            {
                ct.ThrowIfCancellationRequested();
                number++;
                if (id.RelationshipId?.Value is not { } rel || part.GetPartById(rel) is not SlidePart slide) continue;
                if (slide.Slide?.Show?.Value == false) continue;
                ReadSlide(slide, number, collector);
            }
            if (collector.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The PPTX has no text on its slides.");
            return new ExtractedDocument(collector.Blocks, Math.Max(1, ids.Count), SafeTitle(doc));
        }
        catch (Exception ex) when (OfficePackage.IsPackageFailure(ex))
        {
            throw DocxReader.Map(ex, Format);
        }
    }

    private void ReadSlide(SlidePart slide, int page, BlockCollector collector)
    {
        if (slide.Slide?.CommonSlideData?.ShapeTree is not { } tree) return;
        var shapes = Shapes(tree).ToList();
        // The title first, whatever its place in the tree.
        foreach (var title in shapes.OfType<P.Shape>().Where(IsTitle))
            collector.Add(page, BlockKind.Heading, TextNormalizer.Inline(ShapeText(title.TextBody, " ")), 1);
        foreach (var shape in shapes)
        {
            switch (shape)
            {
                case P.Shape s when !IsTitle(s):
                    foreach (var paragraph in Paragraphs(s.TextBody))
                        collector.Add(page, paragraph.Bullet ? BlockKind.ListItem : BlockKind.Paragraph, paragraph.Text);
                    break;
                case P.GraphicFrame frame when frame.Descendants<A.Table>().FirstOrDefault() is { } table:
                    collector.Add(page, BlockKind.Table, TableText(table));
                    break;
                case P.GraphicFrame frame when frame.Descendants().FirstOrDefault(GraphicText.IsReference) is { } graphic:
                    foreach (var (kind, text) in GraphicText.Read(graphic, slide)) collector.Add(page, kind, text);
                    break;
            }
        }
        if (IncludeNotes && slide.NotesSlidePart?.NotesSlide?.CommonSlideData?.ShapeTree is { } notes)
        {
            foreach (var shape in Shapes(notes).OfType<P.Shape>().Where(IsBodyPlaceholder))
                foreach (var paragraph in Paragraphs(shape.TextBody))
                    collector.Add(page, BlockKind.Paragraph, paragraph.Text);
        }
    }

    private static IEnumerable<OpenXmlElement> Shapes(OpenXmlElement tree)
    {
        foreach (var child in tree.ChildElements)
        {
            if (child is P.GroupShape group)
            {
                foreach (var inner in Shapes(group)) yield return inner;
            }
            else if (child is P.Shape or P.GraphicFrame)
            {
                yield return child;
            }
        }
    }

    private static P.PlaceholderShape? Placeholder(P.Shape shape) =>
        shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape;

    private static bool IsTitle(P.Shape shape) =>
        Placeholder(shape)?.Type?.Value is { } t && (t == P.PlaceholderValues.Title || t == P.PlaceholderValues.CenteredTitle);

    /// <summary>In a notes slide, the notes text is the body placeholder (not the slide image or the page number).</summary>
    private static bool IsBodyPlaceholder(P.Shape shape) => Placeholder(shape) is { } ph && (ph.Type is null || ph.Type.Value == P.PlaceholderValues.Body);

    private sealed record ShapeParagraph(string Text, bool Bullet);

    private static IEnumerable<ShapeParagraph> Paragraphs(P.TextBody? body)
    {
        if (body is null) yield break;
        foreach (var p in body.Elements<A.Paragraph>())
        {
            var text = TextNormalizer.Inline(ParagraphText(p));
            if (text.Length == 0) continue;
            var props = p.ParagraphProperties;
            var bullet = props is not null && (props.GetFirstChild<A.CharacterBullet>() is not null || props.GetFirstChild<A.AutoNumberedBullet>() is not null
                                               || (props.Level?.Value ?? 0) > 0);
            yield return new ShapeParagraph(text, bullet);
        }
    }

    private static string ShapeText(P.TextBody? body, string separator) =>
        body is null ? "" : string.Join(separator, body.Elements<A.Paragraph>().Select(ParagraphText));

    private static string ParagraphText(A.Paragraph p)
    {
        var sb = new StringBuilder();
        foreach (var child in p.ChildElements)
        {
            switch (child)
            {
                case A.Run r: sb.Append(r.Text?.Text); break;
                case A.Field f: sb.Append(f.Text?.Text); break;
                case A.Break: sb.Append(' '); break;
            }
        }
        return sb.ToString();
    }

    private static string TableText(A.Table table)
    {
        var rows = new List<string>();
        foreach (var row in table.Elements<A.TableRow>())
        {
            var cells = row.Elements<A.TableCell>()
                .Where(c => c.HorizontalMerge?.Value != true && c.VerticalMerge?.Value != true)
                .Select(c => TextNormalizer.Inline(string.Join(" ", c.TextBody?.Elements<A.Paragraph>().Select(ParagraphText) ?? [])))
                .ToList();
            if (cells.Any(c => c.Length > 0)) rows.Add(string.Join(" | ", cells));
        }
        return string.Join("\n", rows);
    }

    private static string? SafeTitle(PresentationDocument doc)
    {
        try
        {
            var title = TextNormalizer.Inline(doc.PackageProperties.Title);
            return title.Length == 0 ? null : title;
        }
        catch (Exception ex) when (OfficePackage.IsPackageFailure(ex))
        {
            return null;
        }
    }
}
