using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Tests.Indexing;

/// <summary>
/// The embedded index's own BM25: its statistics (N, average length, document frequency) are those of the collections
/// the caller may read, so text the caller cannot read never moves the caller's results (issue #16, item 5).
/// </summary>
public sealed class Bm25StatisticsTests : IDisposable
{
    private static readonly Guid Alice = Guid.Parse("a1a1a1a1-0000-4000-8000-000000000001");
    private static readonly Guid Hidden = Guid.Parse("f0f0f0f0-0000-4000-8000-00000000000f");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "privaterag-bm25-" + Guid.NewGuid().ToString("N"));
    private readonly List<EmbeddedChunkIndex> _opened = [];

    private static readonly string[] AliceTexts =
    [
        "The harbour budget forecast was revised after the storm damaged the pier.",
        "A budget for the new library was approved by the council in March.",
        "Storm surge models predict higher water levels in the harbour each winter.",
        "The harbour master reported record traffic and a balanced budget.",
        "Bird counts along the coast fell during the cold spring.",
    ];

    private EmbeddedChunkIndex Open(string name = "chunks.db", Bm25Options? bm25 = null)
    {
        var index = new EmbeddedChunkIndex(new EmbeddedChunkIndexOptions { DatabasePath = Path.Combine(_folder, name), Bm25 = bm25 });
        _opened.Add(index);
        return index;
    }

    private static IndexedChunk Chunk(Guid document, int ordinal, string text, Guid collection, string name = "doc.txt") =>
        new(IndexedChunk.MakeId(document, ordinal), document, collection, name, ordinal, 1, 1, null, 0, text.Length, text);

    private static async Task AddAsync(IChunkIndex index, Guid collection, IEnumerable<string> texts, string prefix)
    {
        var i = 0;
        foreach (var text in texts)
        {
            var doc = Guid.NewGuid();
            await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, text, collection, $"{prefix}-{i++:D3}.txt")]);
        }
    }

    private static async Task<List<(string Name, double Score)>> RankingAsync(IChunkIndex index, string query, params Guid[] collections) =>
        (await index.SearchLexicalAsync(query, IndexFilter.For(collections), 50)).Select(h => (h.Chunk.DocumentName, h.Score)).ToList();

    [Fact]
    public async Task Adding_documents_with_her_words_to_a_collection_alice_cannot_read_changes_nothing_for_her()
    {
        var index = Open();
        await AddAsync(index, Alice, AliceTexts, "alice");
        var before = await RankingAsync(index, "harbour budget storm", Alice);
        Assert.Equal(4, before.Count);

        // Many hidden passages full of "harbour" (which makes it common) and none with "budget".
        await AddAsync(index, Hidden, Enumerable.Range(0, 40).Select(i => $"Harbour harbour harbour notice number {i} about the harbour."), "hidden");

        var after = await RankingAsync(index, "harbour budget storm", Alice);
        Assert.Equal(before, after); // same passages, same order, the same scores to the last bit

        // The same search over both collections does see the hidden statistics: the test would notice a leak.
        var both = (await RankingAsync(index, "harbour budget storm", Alice, Hidden)).Where(r => r.Name.StartsWith("alice", StringComparison.Ordinal)).ToList();
        Assert.NotEqual(before.Select(r => r.Score), both.Select(r => r.Score));
    }

    [Fact]
    public async Task Statistics_follow_replacements_and_deletions()
    {
        var index = Open("a.db");
        await AddAsync(index, Alice, AliceTexts, "alice");
        var extra = Guid.NewGuid();
        await index.ReplaceDocumentAsync(extra, [Chunk(extra, 0, "harbour harbour budget", Alice, "extra.txt"), Chunk(extra, 1, "storm", Alice, "extra.txt")]);
        await index.ReplaceDocumentAsync(extra, [Chunk(extra, 0, "an unrelated replacement about the harbour", Alice, "extra.txt")]);
        await index.DeleteDocumentAsync(extra);

        var fresh = Open("b.db");
        await AddAsync(fresh, Alice, AliceTexts, "alice");

        Assert.Equal(await RankingAsync(fresh, "harbour budget storm", Alice), await RankingAsync(index, "harbour budget storm", Alice));
    }

    [Fact]
    public async Task Equal_scores_are_ordered_by_document_name_not_by_insertion()
    {
        var index = Open();
        foreach (var name in new[] { "c.txt", "a.txt", "b.txt" })
        {
            var doc = Guid.NewGuid();
            await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "identical passage about tides", Alice, name)]);
        }

        var hits = await RankingAsync(index, "tides", Alice);

        Assert.Equal(["a.txt", "b.txt", "c.txt"], hits.Select(h => h.Name));
    }

    [Fact]
    public async Task The_scores_are_bm25_with_the_configured_k1_and_b()
    {
        // Field lengths count every indexed token: "x-000.txt" is 3 tokens in the document-name field.
        var options = new Bm25Options { K1 = 0.9, B = 0.4 };
        var index = Open(bm25: options);
        await AddAsync(index, Alice, ["gull rock beach sand", "wave wave wave wave wave wave wave wave", "wind wind"], "x");

        var hit = Assert.Single(await index.SearchLexicalAsync("gull", IndexFilter.For(Alice), 5));

        var idf = Math.Log((3 - 1 + 0.5) / (1 + 0.5));
        var avgdl = (4 + 3 + 8 + 3 + 2 + 3) / 3.0;
        var expected = idf * 1 * (0.9 + 1) / (1 + 0.9 * (1 - 0.4 + 0.4 * 7 / avgdl));
        Assert.Equal(expected, hit.Score, 12);
    }

    [Fact]
    public async Task A_schema_1_file_gets_its_statistics_from_the_records_fts5_holds()
    {
        var index = Open();
        await AddAsync(index, Alice, AliceTexts, "alice");
        var before = await RankingAsync(index, "harbour budget storm", Alice);
        var path = index.DatabasePath;
        index.Dispose();
        SqliteConnection.ClearAllPools();

        // Back to schema 1: no length columns, no totals.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "DROP INDEX ix_chunks_seq_lengths; ALTER TABLE chunks DROP COLUMN len_text; ALTER TABLE chunks DROP COLUMN len_heading; " +
                              "ALTER TABLE chunks DROP COLUMN len_name; DROP TABLE collection_stats; UPDATE meta SET value = 1 WHERE key = 'schema_version';";
            cmd.ExecuteNonQuery();
        }

        var reopened = Open();
        Assert.Equal(before, await RankingAsync(reopened, "harbour budget storm", Alice));
    }

    [Theory]
    [InlineData(0.0, 0.75)]
    [InlineData(1.2, 1.5)]
    [InlineData(1.2, -0.1)]
    public void Out_of_range_parameters_are_refused(double k1, double b)
    {
        var options = new Bm25Options { K1 = k1, B = b };
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    public void Dispose()
    {
        foreach (var index in _opened) index.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
