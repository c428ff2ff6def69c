using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads XLSX: each visible sheet is a page with its name as a level-1 heading, then its rows as table blocks (cells
/// joined by " | ", empty columns kept so columns line up). Long sheets are cut into blocks of
/// <see cref="RowsPerBlock"/> rows, each starting with the sheet's first (header) row again, so every chunk knows its
/// columns. Cells show their stored (cached) value; worksheets are streamed, not loaded whole.
/// </summary>
public sealed class XlsxReader : IDocumentReader
{
    private const string Format = "XLSX";
    public const int RowsPerBlock = 40;
    private const int MaxColumns = 512;

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Xlsx];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var bytes = OfficePackage.ReadChecked(content, limits, Format, ct);
        try
        {
            using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes, writable: false), false, OfficePackage.Settings(limits));
            var workbook = doc.WorkbookPart ?? throw new DocumentRejectedException(RejectReason.Corrupt, "The XLSX has no workbook part.");
            var strings = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
            var sheets = workbook.Workbook?.Sheets?.Elements<Sheet>().ToList() ?? [];
            if (sheets.Count > limits.MaxPages)
            {
                throw new DocumentRejectedException(RejectReason.TooLarge,
                    $"The XLSX has {sheets.Count} sheets; the limit is {limits.MaxPages} pages (Ingestion:MaxPages).");
            }
            var collector = new BlockCollector(limits, Format);
            var page = 0;
            foreach (var sheet in sheets)
            {
                ct.ThrowIfCancellationRequested();
                page++;
                if (sheet.State?.Value is { } state && state != SheetStateValues.Visible) continue;
                if (sheet.Id?.Value is not { } rel || workbook.GetPartById(rel) is not WorksheetPart part) continue;
                ReadSheet(part, sheet.Name?.Value ?? $"Sheet {page}", page, strings, collector, ct);
            }
            if (collector.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The XLSX has no cell values.");
            return new ExtractedDocument(collector.Blocks, Math.Max(1, sheets.Count), SafeTitle(doc));
        }
        catch (Exception ex) when (OfficePackage.IsPackageFailure(ex))
        {
            throw DocxReader.Map(ex, Format);
        }
    }

    private static void ReadSheet(WorksheetPart part, string name, int page, List<string> strings, BlockCollector collector, CancellationToken ct)
    {
        string? header = null;
        var rows = new List<string>();
        var headingAdded = false;
        void Flush()
        {
            if (rows.Count == 0) return;
            if (!headingAdded) { collector.Add(page, BlockKind.Heading, TextNormalizer.Inline(name), 1); headingAdded = true; }
            var block = header is null || rows[0] == header ? rows : [header, .. rows];
            collector.Add(page, BlockKind.Table, string.Join("\n", block));
            rows.Clear();
        }

        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Row) || !reader.IsStartElement) continue;
            ct.ThrowIfCancellationRequested();
            var row = (Row)reader.LoadCurrentElement()!;
            var line = RowText(row, strings);
            if (line is null) continue;
            header ??= line;
            rows.Add(line);
            if (rows.Count >= RowsPerBlock) Flush();
        }
        Flush();
    }

    /// <summary>The row's cells joined by " | " with gaps for missing cells; null when every cell is empty.</summary>
    private static string? RowText(Row row, List<string> strings)
    {
        var cells = new List<string>();
        foreach (var cell in row.Elements<Cell>())
        {
            var column = ColumnIndex(cell.CellReference?.Value);
            if (column is { } c && c < MaxColumns) while (cells.Count < c) cells.Add("");
            if (cells.Count >= MaxColumns) break;
            cells.Add(TextNormalizer.Inline(CellText(cell, strings)));
        }
        while (cells.Count > 0 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
        return cells.Count == 0 ? null : string.Join(" | ", cells);
    }

    private static string CellText(Cell cell, List<string> strings)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        var value = cell.CellValue?.Text ?? "";
        if (type == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < strings.Count ? strings[i] : "";
        }
        if (type == CellValues.Boolean) return value == "1" ? "TRUE" : value == "0" ? "FALSE" : value;
        return value;
    }

    /// <summary>0-based column of a reference like "C12".</summary>
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var index = 0;
        var letters = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z') { index = index * 26 + (ch - 'A' + 1); letters++; }
            else break;
            if (letters > 3) return null;
        }
        return letters == 0 ? null : index - 1;
    }

    private static string? SafeTitle(SpreadsheetDocument doc)
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
