using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace PrivateRag.Core.Evaluation;

/// <summary>One BEIR query: <c>{"_id": ..., "text": ...}</c>.</summary>
public sealed record BeirQuery(string Id, string Text);

/// <summary>One BEIR corpus record: <c>{"_id": ..., "title": ..., "text": ...}</c>.</summary>
public sealed record BeirDocument(string Id, string Title, string Text);

/// <summary>Readers for the BEIR file formats: queries and corpus as JSON lines (optionally gzip), qrels as TSV.</summary>
public static class BeirFiles
{
    public static async Task<IReadOnlyList<BeirQuery>> ReadQueriesAsync(string path, CancellationToken ct = default)
    {
        await using var stream = OpenFile(path);
        return await ReadQueriesAsync(stream, path, ct);
    }

    /// <summary>Reads queries from an open stream (an upload, say); <paramref name="path"/> names it in errors.</summary>
    public static async Task<IReadOnlyList<BeirQuery>> ReadQueriesAsync(Stream content, string path, CancellationToken ct = default)
    {
        var queries = new List<BeirQuery>();
        await foreach (var (line, number) in ReadLinesAsync(content, ct))
        {
            using var json = Parse(path, line, number);
            queries.Add(new BeirQuery(RequireId(json.RootElement, path, number), GetString(json.RootElement, "text")));
        }
        return queries;
    }

    public static async IAsyncEnumerable<BeirDocument> ReadCorpusAsync(string path, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var stream = OpenFile(path);
        await foreach (var (line, number) in ReadLinesAsync(stream, ct))
        {
            using var json = Parse(path, line, number);
            var root = json.RootElement;
            yield return new BeirDocument(RequireId(root, path, number), GetString(root, "title"), GetString(root, "text"));
        }
    }

    /// <summary>
    /// Reads <c>query-id, corpus-id, score</c> rows (tab-separated; a header row is skipped). Rows with a score
    /// of 0 or less are kept as judged-not-relevant.
    /// </summary>
    public static async Task<Qrels> ReadQrelsAsync(string path, CancellationToken ct = default)
    {
        await using var stream = OpenFile(path);
        return await ReadQrelsAsync(stream, path, ct);
    }

    /// <summary>Reads qrels from an open stream (an upload, say); <paramref name="path"/> names it in errors.</summary>
    public static async Task<Qrels> ReadQrelsAsync(Stream content, string path, CancellationToken ct = default)
    {
        var judgements = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        await foreach (var (line, number) in ReadLinesAsync(content, ct))
        {
            var cells = line.Split('\t');
            if (cells.Length == 1) cells = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            // TREC style "qid 0 docid score" is accepted too.
            var (query, corpus, scoreText) = cells.Length switch
            {
                3 => (cells[0], cells[1], cells[2]),
                4 => (cells[0], cells[2], cells[3]),
                _ => throw new FormatException($"{path}:{number}: expected 'query-id<TAB>corpus-id<TAB>score', got '{line}'."),
            };
            if (!int.TryParse(scoreText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var score))
            {
                if (number == 1) continue; // header
                throw new FormatException($"{path}:{number}: the score '{scoreText}' is not an integer.");
            }
            query = query.Trim();
            corpus = corpus.Trim();
            if (!judgements.TryGetValue(query, out var byCorpus)) judgements[query] = byCorpus = new(StringComparer.Ordinal);
            byCorpus[corpus] = score;
        }
        return new Qrels(judgements);
    }

    /// <summary>The file, decompressed when its name ends in .gz.</summary>
    private static Stream OpenFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.", path);
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static async IAsyncEnumerable<(string Line, int Number)> ReadLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return (line, number);
        }
    }

    private static JsonDocument Parse(string path, string line, int number)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}:{number}: not a JSON object ({e.Message}).", e);
        }
    }

    private static string RequireId(JsonElement root, string path, int number)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("_id", out var id))
        {
            var text = id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText();
            if (!string.IsNullOrWhiteSpace(text)) return text.Trim();
        }
        throw new FormatException($"{path}:{number}: the record has no \"_id\".");
    }

    private static string GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
