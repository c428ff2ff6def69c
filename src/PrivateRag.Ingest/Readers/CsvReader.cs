using PrivateRag.Core;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Text;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads CSV/TSV (RFC 4180 quoting; the delimiter - comma, semicolon or tab - guessed from the first line): rows as
/// table blocks of " | "-joined cells, cut every <see cref="XlsxReader.RowsPerBlock"/> rows, each block starting with
/// the header row again.
/// </summary>
public sealed class CsvReader : IDocumentReader
{
    private const string Format = "CSV file";

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Csv, FileFormats.Tsv];

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
        foreach (var record in CsvRecords.Parse(text, delimiter))
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
}
