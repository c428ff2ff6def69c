using System.Text;
using PrivateRag.Core.Domain;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads CSV/TSV (RFC 4180 quoting; the delimiter - comma, semicolon or tab - guessed from the first line): rows as
/// table blocks of " | "-joined cells, cut every <see cref="XlsxReader.RowsPerBlock"/> rows, each block starting with
/// the header row again.
/// </summary>
public sealed class CsvReader : IDocumentReader
{
    private const string Format = "CSV file";

    public IReadOnlyCollection<string> Extensions { get; } = [".csv", ".tsv"];

    public bool SafeInProcess => true;

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var text = TextDecoding.Decode(BlockCollector.ReadAll(content, ct), limits, Format);
        var delimiter = GuessDelimiter(text);
        var collector = new BlockCollector(limits, Format);
        string? header = null;
        var rows = new List<string>();
        void Flush()
        {
            if (rows.Count == 0) return;
            collector.Add(1, BlockKind.Table, string.Join("\n", header is null || rows[0] == header ? rows : [header, .. rows]));
            rows.Clear();
        }
        foreach (var record in Records(text, delimiter))
        {
            ct.ThrowIfCancellationRequested();
            var cells = record.Select(TextNormalizer.Inline).ToList();
            while (cells.Count > 0 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
            if (cells.Count == 0) continue;
            var line = string.Join(" | ", cells);
            header ??= line;
            rows.Add(line);
            if (rows.Count >= XlsxReader.RowsPerBlock) Flush();
        }
        Flush();
        if (collector.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The CSV file is empty.");
        return new ExtractedDocument(collector.Blocks, 1);
    }

    private static char GuessDelimiter(string text)
    {
        var end = text.IndexOf('\n');
        var first = end < 0 ? text : text[..end];
        var candidates = new[] { ',', ';', '\t' };
        return candidates.OrderByDescending(c => first.Count(ch => ch == c)).First();
    }

    /// <summary>RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
    internal static IEnumerable<List<string>> Records(string text, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }
            if (ch == '"' && field.Length == 0) quoted = true;
            else if (ch == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString());
                field.Clear();
                yield return fields;
                fields = [];
            }
            else field.Append(ch);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
