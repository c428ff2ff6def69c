using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Dgm = DocumentFormat.OpenXml.Drawing.Diagrams;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Text that Office keeps outside the document's own XML, in the part a drawing refers to: charts (c:chart) and
/// SmartArt (dgm:relIds). Shared by the DOCX and PPTX readers.
/// </summary>
internal static class GraphicText
{
    /// <summary>Whether <paramref name="element"/> points at a chart or SmartArt part.</summary>
    public static bool IsReference(OpenXmlElement element) => element is C.ChartReference or Dgm.RelationshipIds;

    /// <summary>
    /// The blocks of the referenced part, resolved from the part that holds <paramref name="reference"/>. A missing or
    /// damaged chart costs only its own text, never the document's.
    /// </summary>
    public static IReadOnlyList<(BlockKind Kind, string Text)> Read(OpenXmlElement reference, OpenXmlPartContainer? owner = null)
    {
        owner ??= reference.Ancestors<OpenXmlPartRootElement>().FirstOrDefault()?.OpenXmlPart;
        var id = reference switch
        {
            C.ChartReference chart => chart.Id?.Value,
            Dgm.RelationshipIds smartArt => smartArt.DataPart?.Value,
            _ => null,
        };
        if (owner is null || id is null) return [];
        try
        {
            if (!owner.TryGetPartById(id, out var part)) return [];
            return part switch
            {
                ChartPart { ChartSpace: { } chart } => [.. ChartText.Blocks(chart)],
                DiagramDataPart { DataModelRoot: { } model } => [.. SmartArtText.Blocks(model)],
                _ => [],
            };
        }
        catch (Exception ex) when (ex is XmlException or OpenXmlPackageException or InvalidOperationException or InvalidDataException)
        {
            return [];
        }
    }
}
