using Microsoft.Data.Sqlite;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Tests.Indexing;

/// <summary>The contract suite over the embedded SQLite index, in a temporary folder per test.</summary>
public sealed class EmbeddedChunkIndexContractTests : ChunkIndexContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "privaterag-index-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "index", "chunks.db");

    protected override IChunkIndex OpenIndex() => new EmbeddedChunkIndex(DatabasePath);

    [Fact]
    public void The_index_is_one_sqlite_file_in_wal_mode()
    {
        Open();

        Assert.True(File.Exists(DatabasePath));
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar() as string);
    }

    [Fact]
    public async Task An_index_file_made_before_per_document_access_gains_the_readers_column_and_keeps_its_chunks()
    {
        var doc = Guid.NewGuid();
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        using (var old = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            old.Open();
            using var cmd = old.CreateCommand();
            // The schema version 1 file, as the index wrote it before the readers column existed.
            cmd.CommandText = $"""
                CREATE TABLE meta (key TEXT PRIMARY KEY, value);
                INSERT INTO meta(key, value) VALUES ('schema_version', 1), ('generation', 1);
                CREATE TABLE chunks (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL,
                    collection_id TEXT NOT NULL, document_name TEXT NOT NULL, ordinal INTEGER NOT NULL, page_start INTEGER NOT NULL,
                    page_end INTEGER NOT NULL, heading_path TEXT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
                    text TEXT NOT NULL, vector BLOB NULL);
                CREATE INDEX ix_chunks_seq_collection ON chunks(seq, collection_id);
                CREATE VIRTUAL TABLE chunks_fts USING fts5(text, heading, document_name, content = '', contentless_delete = 1,
                    tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE TABLE collection_generations (collection_id TEXT PRIMARY KEY, generation INTEGER NOT NULL);
                INSERT INTO chunks(id, document_id, collection_id, document_name, ordinal, page_start, page_end, char_start, char_end, text)
                    VALUES ('{IndexedChunk.MakeId(doc, 0)}', '{doc}', '{Allowed}', 'old.txt', 0, 1, 1, 0, 20, 'lighthouse keeper log');
                INSERT INTO chunks_fts(rowid, text, heading, document_name) VALUES (1, 'lighthouse keeper log', '', 'old.txt');
                """;
            cmd.ExecuteNonQuery();
        }

        var index = Open();

        Assert.Single(await index.SearchLexicalAsync("lighthouse", new IndexFilter([Allowed], ["u:bob"]), 5));
        await index.SetDocumentReadersAsync(doc, ["u:alice"]);
        Assert.Empty(await index.SearchLexicalAsync("lighthouse", new IndexFilter([Allowed], ["u:bob"]), 5));
        Assert.Single(await index.SearchLexicalAsync("lighthouse", new IndexFilter([Allowed], ["u:alice"]), 5));
    }

    [Fact]
    public async Task A_write_rejected_for_its_dimension_leaves_the_previous_version_in_place()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "original", vector: [1, 0, 0, 0])]);

        await Assert.ThrowsAsync<VectorDimensionMismatchException>(() =>
            index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "replacement", vector: [1, 0])]));

        Assert.Equal("original", Assert.Single(await index.GetDocumentChunksAsync(doc, OnlyAllowed)).Text);
        Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 5));
    }

    [Fact]
    public async Task A_query_vector_of_another_dimension_is_rejected_clearly()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "x", vector: [1, 0, 0, 0])]);

        var e = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() =>
            index.SearchDenseAsync(new float[] { 1, 0, 0 }, OnlyAllowed, 5));

        Assert.Equal(4, e.IndexDimensions);
        Assert.Equal(3, e.VectorDimensions);
    }

    [Fact]
    public async Task Chunks_of_one_document_must_carry_its_id()
    {
        var index = Open();
        var doc = Guid.NewGuid();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            index.ReplaceDocumentAsync(doc, [Chunk(Guid.NewGuid(), 0, "stray")]));
    }

    [Fact]
    public async Task Moving_a_document_to_another_collection_updates_both_collections_dense_results()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "moving", Allowed, [1, 0, 0, 0])]);
        Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 5));
        Assert.Empty(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, IndexFilter.For(AlsoAllowed), 5));

        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "moving", AlsoAllowed, [1, 0, 0, 0])]);

        Assert.Empty(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 5));
        Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, IndexFilter.For(AlsoAllowed), 5));
    }

    protected override void Dispose(bool disposing)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
