using System.Globalization;
using DocumentFormat.OpenXml;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// The text of a DrawingML chart part: its titles (chart and axes) as paragraphs, and its data as one table - a header
/// row of series names, then one row per category with each series' value - from the values Office caches in the
/// part (the embedded workbook is not opened).
/// </summary>
internal static class ChartText
{
    /// <summary>Beyond this many categories the rest of a chart's data is left out: a chart is a picture, not a data set.</summary>
    private const int MaxRows = 500;

    public static IEnumerable<(BlockKind Kind, string Text)> Blocks(C.ChartSpace chart)
    {
        foreach (var title in chart.Descendants<C.Title>())
        {
            var text = TextNormalizer.Inline(string.Join(" ", title.Descendants().Where(e => e is A.Text or C.NumericValue).Select(e => e.InnerText)));
            if (text.Length > 0) yield return (BlockKind.Paragraph, text);
        }
        if (DataTable(chart) is { Length: > 0 } table) yield return (BlockKind.Table, table);
    }

    private static string DataTable(C.ChartSpace chart)
    {
        // c:ser of every chart type (bar, line, pie, scatter, ...); extension elements of the same name are in other namespaces.
        var series = chart.Descendants().Where(e => e.LocalName == "ser" && e.NamespaceUri == chart.NamespaceUri).ToList();
        if (series.Count == 0) return "";
        var names = series.Select(s => Join(s.GetFirstChild<C.SeriesText>())).ToList();
        var categories = series.Select(s => Points((OpenXmlElement?)s.GetFirstChild<C.CategoryAxisData>() ?? s.GetFirstChild<C.XValues>()))
            .FirstOrDefault(c => c.Count > 0) ?? [];
        var values = series.Select(s => Points((OpenXmlElement?)s.GetFirstChild<C.Values>() ?? s.GetFirstChild<C.YValues>())).ToList();
        var count = Math.Min(MaxRows, Math.Max(categories.Keys.DefaultIfEmpty().Max(), values.SelectMany(v => v.Keys).DefaultIfEmpty().Max()) + 1);

        var rows = new List<string>();
        if (names.Any(n => n.Length > 0)) rows.Add(string.Join(" | ", names.Prepend("")));
        for (uint index = 0; index < count; index++)
        {
            var cells = values.Select(v => v.GetValueOrDefault(index, "")).Prepend(categories.GetValueOrDefault(index, "")).ToList();
            if (cells.All(c => c.Length == 0)) continue;
            rows.Add(string.Join(" | ", cells));
        }
        return string.Join("\n", rows);
    }

    /// <summary>Cached points by index; levels of a multi-level category axis are joined with spaces.</summary>
    private static Dictionary<uint, string> Points(OpenXmlElement? data)
    {
        var points = new Dictionary<uint, string>();
        if (data is null) return points;
        foreach (var point in data.Descendants().Where(e => e is C.StringPoint or C.NumericPoint))
        {
            var index = point is C.StringPoint s ? s.Index?.Value : ((C.NumericPoint)point).Index?.Value;
            if (index is not { } i) continue;
            var text = TextNormalizer.Inline(point.GetFirstChild<C.NumericValue>()?.Text);
            if (point is C.NumericPoint) text = Number(text);
            points[i] = points.TryGetValue(i, out var earlier) && earlier.Length > 0 ? $"{earlier} {text}" : text;
        }
        return points;
    }

    private static string Join(OpenXmlElement? element) =>
        element is null ? "" : TextNormalizer.Inline(string.Join(" ", element.Descendants().Where(e => e is A.Text or C.NumericValue).Select(e => e.InnerText)));

    /// <summary>Cached numbers are stored with binary noise ("4.4000000000000004"): print them as people typed them.</summary>
    private static string Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("G15", CultureInfo.InvariantCulture)
            : text;
}
