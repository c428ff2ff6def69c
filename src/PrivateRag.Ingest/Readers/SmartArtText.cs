using Dgm = DocumentFormat.OpenXml.Drawing.Diagrams;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// The text of a SmartArt diagram: each node of its data model (dgm:pt) as a list item, in the model's order.
/// Transition and presentation points carry no text of the author's; the drawing part only repeats the nodes.
/// </summary>
internal static class SmartArtText
{
    public static IEnumerable<(BlockKind Kind, string Text)> Blocks(Dgm.DataModelRoot model)
    {
        foreach (var point in model.PointList?.Elements<Dgm.Point>() ?? [])
        {
            var type = point.Type?.Value;
            if (type is { } t && t != Dgm.PointValues.Node && t != Dgm.PointValues.Assistant) continue;
            if (point.TextBody is not { } body) continue;
            var text = TextNormalizer.Inline(string.Join(" ", body.Elements<DocumentFormat.OpenXml.Drawing.Paragraph>()
                .Select(p => string.Concat(p.Descendants<DocumentFormat.OpenXml.Drawing.Text>().Select(x => x.Text)))));
            if (text.Length > 0) yield return (BlockKind.ListItem, text);
        }
    }
}
