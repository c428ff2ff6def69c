using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// Lexical search of the embedded index: FTS5 finds the passages and gives its term data (which chunk holds which
/// token, in which field, at which position, through the <c>fts5vocab</c> table <c>chunks_fts_terms</c>); BM25 is
/// computed here (<see cref="Bm25Scorer"/>) with statistics of the caller's readable collections only: N and the
/// average length from <c>collection_stats</c>, each term's document frequency from its readable matches. FTS5's own
/// <c>bm25()</c> uses statistics over the whole table, so a collection the caller cannot read would change the
/// caller's scores and order (issue #16, item 5).
/// </summary>
/// <remarks>
/// Query terms are cut by <see cref="FtsText.QueryTerms"/> and then tokenized by FTS5 itself (a per-connection temp FTS5
/// table with the same tokenizer), so the stems looked up are exactly the ones indexed. A term that FTS5 splits into
/// several tokens is a phrase: it counts where its tokens stand side by side in one field, as a quoted FTS5 phrase
/// does. Equal scores are ordered by document name, chunk ordinal and chunk id, so two ingestions of the same files
/// rank alike whatever order their documents were written in.
/// </remarks>
internal static class LexicalSearch
{
    /// <summary>The tokenizer of <c>chunks_fts</c>, also used to tokenize queries.</summary>
    public const string Tokenizer = "porter unicode61 remove_diacritics 2";

    /// <summary>How many extra equal-scored candidates past the cut are read so the tie-break can see them.</summary>
    private const int MaxTiedExtra = 1000;

    private const int Fields = 3;

    public static async Task<IReadOnlyList<(long Seq, double Score)>> RankAsync(SqliteConnection connection, SqliteTransaction tx, string query,
        IReadOnlyCollection<Guid> collections, IndexFilter filter, int top, Bm25Options options, CancellationToken ct)
    {
        var terms = FtsText.QueryTerms(query);
        if (terms.Count == 0 || collections.Count == 0 || top <= 0) return [];
        var phrases = (await TokenizeAsync(connection, tx, terms, ct)).Where(p => p.Length > 0).ToList();
        if (phrases.Count == 0) return [];

        var statistics = await StatisticsAsync(connection, tx, collections, ct);
        if (statistics.Chunks == 0) return [];
        var scorer = new Bm25Scorer(options, statistics);

        var lengths = new Dictionary<long, FieldLengths>();
        // Positions are read only for the tokens of phrases; a single-token term needs only its count per field.
        var positional = phrases.Where(p => p.Length > 1).SelectMany(p => p).ToHashSet(StringComparer.Ordinal);
        var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        foreach (var token in phrases.SelectMany(p => p).Distinct(StringComparer.Ordinal))
            postings[token] = await PostingsAsync(connection, tx, token, positional.Contains(token), collections, filter, lengths, ct);

        var scores = new Dictionary<long, double>();
        Span<int> counts = stackalloc int[Fields];
        foreach (var phrase in phrases)
        {
            var perChunk = Occurrences(phrase, postings);
            if (perChunk.Count == 0) continue;
            var idf = scorer.Idf(perChunk.Count);
            foreach (var (seq, byField) in perChunk)
            {
                for (var f = 0; f < Fields; f++) counts[f] = byField[f];
                var contribution = scorer.Term(idf, scorer.WeightedFrequency(counts), lengths[seq]);
                scores[seq] = scores.GetValueOrDefault(seq) + contribution;
            }
        }

        // Best first; the seq order here only makes the cut reproducible, the caller breaks ties by document name.
        var ranked = scores.Select(kv => (Seq: kv.Key, Score: kv.Value))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Seq).ToList();
        if (ranked.Count <= top) return ranked;
        var cut = ranked[top - 1].Score;
        var keep = top;
        while (keep < ranked.Count && keep < top + MaxTiedExtra && ranked[keep].Score == cut) keep++;
        return ranked.GetRange(0, keep);
    }

    /// <summary>One token's occurrences in one field of one chunk: a count, or one position (Count 1) when positions were read.</summary>
    private readonly record struct Posting(long Seq, int Field, int Offset, int Count);

    /// <summary>Occurrence counts per field of one phrase in every readable chunk that holds it.</summary>
    private static Dictionary<long, int[]> Occurrences(string[] phrase, Dictionary<string, List<Posting>> postings)
    {
        var result = new Dictionary<long, int[]>();
        var first = postings[phrase[0]];
        if (phrase.Length == 1)
        {
            foreach (var p in first)
            {
                if (!result.TryGetValue(p.Seq, out var counts)) result[p.Seq] = counts = new int[Fields];
                counts[p.Field] += p.Count;
            }
            return result;
        }
        var rest = phrase.Skip(1).Select(t => postings[t].Select(p => (p.Seq, p.Field, p.Offset)).ToHashSet()).ToList();
        foreach (var p in first)
        {
            var all = true;
            for (var j = 0; j < rest.Count && all; j++) all = rest[j].Contains((p.Seq, p.Field, p.Offset + j + 1));
            if (!all) continue;
            if (!result.TryGetValue(p.Seq, out var counts)) result[p.Seq] = counts = new int[Fields];
            counts[p.Field]++;
        }
        return result;
    }

    /// <summary>Every occurrence of one indexed token in the readable collections, and the lengths of the chunks holding it.</summary>
    private static async Task<List<Posting>> PostingsAsync(SqliteConnection connection, SqliteTransaction tx, string token, bool positions,
        IReadOnlyCollection<Guid> collections, IndexFilter filter, Dictionary<long, FieldLengths> lengths, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        // The vocabulary table iterates only this token's posting list (term = ? is its index); each chunk's
        // collection and lengths come from the covering index; "+" keeps the IN list a filter, not index probes.
        var source = positions
            ? "(SELECT doc, col, offset, 1 AS n FROM chunks_fts_terms WHERE term = $t)"
            : "(SELECT doc, col, -1 AS offset, count(*) AS n FROM chunks_fts_terms WHERE term = $t GROUP BY doc, col)";
        cmd.CommandText =
            "SELECT v.doc, v.col, v.offset, v.n, c.len_text, c.len_heading, c.len_name " +
            $"FROM {source} v CROSS JOIN chunks c INDEXED BY ix_chunks_seq_lengths ON c.seq = v.doc " +
            $"WHERE +c.collection_id IN ({EmbeddedChunkIndex.InList(cmd, "$c", collections)}){EmbeddedChunkIndex.ReadersClause(cmd, filter)}";
        cmd.Parameters.AddWithValue("$t", token);
        var list = new List<Posting>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var field = reader.GetString(1) switch { "text" => 0, "heading" => 1, "document_name" => 2, _ => -1 };
            if (field < 0) continue;
            list.Add(new Posting(seq, field, reader.GetInt32(2), reader.GetInt32(3)));
            if (!lengths.ContainsKey(seq)) lengths[seq] = new FieldLengths(reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6));
        }
        return list;
    }

    /// <summary>N and the field token totals of the readable collections.</summary>
    public static async Task<Bm25Statistics> StatisticsAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlyCollection<Guid> collections, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText =
            "SELECT coalesce(sum(chunks), 0), coalesce(sum(len_text), 0), coalesce(sum(len_heading), 0), coalesce(sum(len_name), 0) " +
            $"FROM collection_stats WHERE collection_id IN ({EmbeddedChunkIndex.InList(cmd, "$c", collections.Distinct())})";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Bm25Statistics(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>
    /// The FTS5 tokens of each query term, in order, as the index's own tokenizer makes them (stemmed, folded), through a
    /// temp FTS5 table of this connection and its vocabulary.
    /// </summary>
    private static async Task<List<string[]>> TokenizeAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<string> terms, CancellationToken ct)
    {
        await using (var setup = connection.CreateCommand())
        {
            setup.Transaction = tx;
            setup.CommandText =
                $"CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_fts USING fts5(term, tokenize = '{Tokenizer}');" +
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_fts_terms USING fts5vocab(temp, query_fts, instance);" +
                "DELETE FROM temp.query_fts;";
            await setup.ExecuteNonQueryAsync(ct);
        }
        var tokens = terms.Select(_ => new List<(int Offset, string Token)>()).ToList();
        try
        {
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = tx;
                var sb = new StringBuilder("INSERT INTO temp.query_fts(rowid, term) VALUES ");
                for (var i = 0; i < terms.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(CultureInfo.InvariantCulture, $"({i + 1}, $t{i})");
                    insert.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$t{i}"), FtsText.ForIndex(terms[i]));
                }
                insert.CommandText = sb.ToString();
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var select = connection.CreateCommand();
            select.Transaction = tx;
            select.CommandText = "SELECT doc, term, offset FROM temp.query_fts_terms";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var row = (int)reader.GetInt64(0) - 1;
                if (row >= 0 && row < tokens.Count) tokens[row].Add((reader.GetInt32(2), reader.GetString(1)));
            }
        }
        finally
        {
            await using var clear = connection.CreateCommand();
            clear.Transaction = tx;
            clear.CommandText = "DELETE FROM temp.query_fts";
            await clear.ExecuteNonQueryAsync(CancellationToken.None);
        }
        return tokens.Select(t => t.OrderBy(x => x.Offset).Select(x => x.Token).ToArray()).ToList();
    }

    /// <summary>The per-field token counts FTS5 recorded for one row (<c>chunks_fts_docsize.sz</c>: one varint per column).</summary>
    public static FieldLengths DecodeDocSize(byte[]? blob)
    {
        if (blob is null) return default;
        Span<int> values = stackalloc int[Fields];
        var pos = 0;
        for (var column = 0; column < Fields && pos < blob.Length; column++) values[column] = (int)ReadVarint(blob, ref pos);
        return new FieldLengths(values[0], values[1], values[2]);
    }

    // SQLite's varint: big-endian 7-bit groups with the high bit as "more follows"; a ninth byte carries 8 bits.
    private static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (var i = 0; i < 9 && pos < data.Length; i++)
        {
            var b = data[pos++];
            if (i == 8) return (value << 8) | b;
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0) break;
        }
        return value;
    }
}
