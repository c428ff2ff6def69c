using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// The default chunk index: one SQLite file (WAL mode) holding chunks, an FTS5 full-text index and the vectors;
/// dense search runs over per-collection in-memory partitions loaded lazily from the file.
/// </summary>
/// <remarks>
/// <para>Schema: <c>chunks</c> (<c>seq INTEGER PRIMARY KEY AUTOINCREMENT</c>, <c>id TEXT UNIQUE</c>, provenance
/// columns, <c>text</c>, <c>vector BLOB NULL</c> as little-endian float32); <c>chunks_fts</c>, a contentless FTS5
/// table (<c>text, heading, document_name</c>) whose rowid is <c>chunks.seq</c> — <c>seq</c> is an explicit
/// AUTOINCREMENT key so the mapping survives VACUUM and a deleted rowid is never reused; indexes on
/// <c>(document_id, ordinal)</c>, <c>collection_id</c> and <c>(seq, collection_id, len_*, readers)</c> (the last one lets
/// a lexical search check each match's collection and readers and read its field lengths without reading the row);
/// <c>chunks_fts_terms</c>, the FTS5 vocabulary (instance) table lexical search reads term data from;
/// <c>collection_stats</c>, chunk counts and field token totals per collection (BM25 statistics of what a caller may
/// read, see <see cref="LexicalSearch"/>); <c>meta</c>
/// (<c>schema_version</c>, <c>generation</c>, <c>dimensions</c>); <c>document_readers</c> (one row per narrowed
/// document: its collection and reader tokens); <c>collection_generations</c> (see
/// <see cref="VectorCache"/>).</para>
/// <para>Per-document access: <c>readers</c> is NULL when the chunk's document keeps its collection's access, else a
/// JSON array of reader tokens (see <see cref="Access.ReaderTokens"/>). Every read with
/// <see cref="IndexFilter.Readers"/> set adds <c>(readers IS NULL OR</c> one of the caller's tokens is an element of
/// <c>readers</c><c>)</c> to its WHERE clause (see <see cref="ReadersClause"/>); dense search first reads the collections' narrowed documents
/// the caller may not read (<c>document_readers</c>: one row per narrowed document) and skips their vectors while
/// scoring.</para>
/// <para>Several processes may open the same file: writes take SQLite's write lock (BEGIN IMMEDIATE, with a busy
/// timeout), and each search checks the generation counter so vectors written elsewhere are seen.</para>
/// <para>Chunks read back (search hits, <see cref="GetAsync"/>, <see cref="GetDocumentChunksAsync"/>) carry no
/// <see cref="IndexedChunk.Vector"/>: vectors stay in the index.</para>
/// </remarks>
public sealed class EmbeddedChunkIndex : IChunkIndex, IDisposable
{
    private const string ChunkColumns =
        "c.seq, c.id, c.document_id, c.collection_id, c.document_name, c.ordinal, c.page_start, c.page_end, " +
        "c.heading_path, c.char_start, c.char_end, c.text, c.layout";

    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly VectorCache _vectors;
    private readonly int _exactSearchBelow;
    private readonly int _rescoreCandidates;
    private readonly Bm25Options _bm25;
    private int _disposed;

    public EmbeddedChunkIndex(string databasePath, ILogger<EmbeddedChunkIndex>? logger = null)
        : this(new EmbeddedChunkIndexOptions { DatabasePath = databasePath }, logger)
    {
    }

    public EmbeddedChunkIndex(EmbeddedChunkIndexOptions options, ILogger<EmbeddedChunkIndex>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath);
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _busyTimeout = options.BusyTimeout;
        _exactSearchBelow = Math.Max(0, options.ExactSearchBelow);
        _rescoreCandidates = Math.Max(1, options.RescoreCandidates);
        _bm25 = options.Bm25 ?? new Bm25Options();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(Math.Max(options.BusyTimeout.TotalSeconds, 1)),
        }.ToString();
        _vectors = new VectorCache((collection, dims) => new FlatVectorPartition(collection, dims), _logger);
        InitializeSchema();
    }

    /// <summary>Full path of the SQLite file.</summary>
    public string DatabasePath { get; }

    public async Task ReplaceDocumentAsync(Guid documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var newDimensions = Validate(documentId, chunks);
        await WriteAsync(documentId, chunks, newDimensions, ct);
    }

    public Task DeleteDocumentAsync(Guid documentId, CancellationToken ct = default) =>
        WriteAsync(documentId, [], null, ct);

    public async Task<IReadOnlyList<ChunkHit>> SearchLexicalAsync(string query, IndexFilter filter, int top, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (top <= 0 || filter.CollectionIds.Count == 0) return [];
        await using var connection = await OpenAsync(ct);
        // One read transaction: the statistics, the term data and the rows read are one snapshot, so a document
        // replaced meanwhile is seen whole in one version.
        await using var tx = connection.BeginTransaction(deferred: true);
        var ranked = await LexicalSearch.RankAsync(connection, tx, query, filter.CollectionIds.Distinct().ToArray(), filter, top, _bm25, ct);
        if (ranked.Count == 0) return [];

        var bySeq = new Dictionary<long, IndexedChunk>(ranked.Count);
        foreach (var batch in ranked.Chunk(500))
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText =
                $"SELECT {ChunkColumns} FROM chunks c WHERE c.seq IN ({InList(cmd, "$s", batch.Select(r => r.Seq))}) " +
                $"AND c.collection_id IN ({InList(cmd, "$c", filter.CollectionIds)}){ReadersClause(cmd, filter)}";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) bySeq[reader.GetInt64(0)] = ReadChunk(reader);
        }
        // Equal scores in document-name, ordinal, id order: insertion order (queue order, random document ids)
        // must not decide, or two ingestions of the same files rank differently.
        return ranked.Where(r => bySeq.ContainsKey(r.Seq))
            .Select(r => new ChunkHit(bySeq[r.Seq], r.Score))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Chunk.DocumentName, StringComparer.Ordinal)
            .ThenBy(h => h.Chunk.Ordinal)
            .ThenBy(h => h.Chunk.Id, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ReadOnlyMemory<float> vector, IndexFilter filter, int top, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (top <= 0 || filter.CollectionIds.Count == 0 || vector.IsEmpty) return [];
        var collections = filter.CollectionIds.Distinct().ToArray();

        await using var connection = await OpenAsync(ct);
        var partitions = await _vectors.GetFreshAsync(connection, collections, ct);
        if (_vectors.Dimensions is not { } dimensions) return [];
        if (vector.Length != dimensions) throw new VectorDimensionMismatchException(dimensions, vector.Length);

        var query = new float[dimensions];
        var norm = TensorPrimitives.Norm(vector.Span);
        if (!(norm > 0) || !float.IsFinite(norm)) return [];
        TensorPrimitives.Divide(vector.Span, norm, query);

        var hidden = filter.Readers is null ? null : await HiddenDocumentsAsync(connection, collections, filter, ct);
        var best = DenseSearch.Run(partitions.Where(p => p.Dimensions == dimensions).ToList(), query, top,
            _exactSearchBelow, Math.Max(_rescoreCandidates, top), hidden);
        if (best.Count == 0) return [];

        await using var cmd = connection.CreateCommand();
        // The filter is applied again here: a row must still be in a visible collection when it is read.
        cmd.CommandText =
            $"SELECT {ChunkColumns} FROM chunks c WHERE c.seq IN ({InList(cmd, "$s", best.Select(b => b.Seq))}) " +
            $"AND c.collection_id IN ({InList(cmd, "$c", collections)}){ReadersClause(cmd, filter)}";
        var bySeq = new Dictionary<long, IndexedChunk>(best.Count);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) bySeq[reader.GetInt64(0)] = ReadChunk(reader);
        }
        var hits = new List<ChunkHit>(best.Count);
        foreach (var (seq, score) in best)
        {
            if (bySeq.TryGetValue(seq, out var chunk)) hits.Add(new ChunkHit(chunk, score));
        }
        return hits;
    }

    public async Task<IReadOnlyList<IndexedChunk>> GetAsync(IReadOnlyCollection<string> chunkIds, IndexFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        ArgumentNullException.ThrowIfNull(filter);
        if (chunkIds.Count == 0 || filter.CollectionIds.Count == 0) return [];

        var found = new Dictionary<string, IndexedChunk>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(ct);
        foreach (var batch in chunkIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText =
                $"SELECT {ChunkColumns} FROM chunks c WHERE c.id IN ({InList(cmd, "$i", batch)}) " +
                $"AND c.collection_id IN ({InList(cmd, "$c", filter.CollectionIds)}){ReadersClause(cmd, filter)}";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var chunk = ReadChunk(reader);
                found[chunk.Id] = chunk;
            }
        }
        // In the order asked for.
        var result = new List<IndexedChunk>(found.Count);
        foreach (var id in chunkIds.Distinct(StringComparer.Ordinal))
        {
            if (found.TryGetValue(id, out var chunk)) result.Add(chunk);
        }
        return result;
    }

    public async Task<IReadOnlyList<IndexedChunk>> GetDocumentChunksAsync(Guid documentId, IndexFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.CollectionIds.Count == 0) return [];
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText =
            $"SELECT {ChunkColumns} FROM chunks c WHERE c.document_id = $d " +
            $"AND c.collection_id IN ({InList(cmd, "$c", filter.CollectionIds)}){ReadersClause(cmd, filter)} ORDER BY c.ordinal";
        cmd.Parameters.AddWithValue("$d", documentId.ToString());
        var chunks = new List<IndexedChunk>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) chunks.Add(ReadChunk(reader));
        return chunks;
    }

    public async Task SetDocumentReadersAsync(Guid documentId, IReadOnlyCollection<string>? readers, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var value = ReadersJson(readers);
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var tx = connection.BeginTransaction(deferred: false);
            // Only the access column changes: text, FTS rows and vectors stay, so nothing is re-embedded and the
            // vector partitions need no reload (dense search reads the hidden documents per query).
            await ExecuteAsync(connection, tx, "UPDATE chunks SET readers = $r WHERE document_id = $d", ct,
                ("$r", (object?)value ?? DBNull.Value), ("$d", documentId.ToString()));
            await ExecuteAsync(connection, tx, "DELETE FROM document_readers WHERE document_id = $d", ct, ("$d", documentId.ToString()));
            if (value is not null)
            {
                await ExecuteAsync(connection, tx, "INSERT INTO document_readers(document_id, collection_id, readers) " +
                    "SELECT document_id, collection_id, $r FROM chunks WHERE document_id = $d LIMIT 1", ct, ("$r", value), ("$d", documentId.ToString()));
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task SetDocumentNameAsync(Guid documentId, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var tx = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, tx, "UPDATE chunks SET document_name = $n WHERE document_id = $d", ct,
                ("$n", name), ("$d", documentId.ToString()));
            await tx.CommitAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IndexStats> GetStatsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText =
            "SELECT (SELECT count(*) FROM chunks), (SELECT count(DISTINCT document_id) FROM chunks), " +
            "(SELECT value FROM meta WHERE key = 'dimensions')";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new IndexStats(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt32(2));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _vectors.Dispose();
        _writeLock.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static int? Validate(Guid documentId, IReadOnlyList<IndexedChunk> chunks)
    {
        int? dimensions = null;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            ArgumentNullException.ThrowIfNull(chunk, nameof(chunks));
            if (chunk.DocumentId != documentId)
            {
                throw new ArgumentException(
                    $"Chunk {chunk.Id} belongs to document {chunk.DocumentId}, not to the document being replaced ({documentId}).",
                    nameof(chunks));
            }
            if (string.IsNullOrEmpty(chunk.Id)) throw new ArgumentException("A chunk has no id.", nameof(chunks));
            if (!ids.Add(chunk.Id)) throw new ArgumentException($"Chunk id {chunk.Id} occurs twice.", nameof(chunks));
            if (chunk.Vector is not { } vector) continue;
            if (vector.Length == 0) throw new ArgumentException($"Chunk {chunk.Id} has an empty vector.", nameof(chunks));
            if (dimensions is { } d && d != vector.Length) throw new VectorDimensionMismatchException(d, vector.Length);
            dimensions = vector.Length;
        }
        return dimensions;
    }

    private async Task WriteAsync(Guid documentId, IReadOnlyList<IndexedChunk> chunks, int? newDimensions, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            // BEGIN IMMEDIATE: take the file's write lock up front (waiting up to the busy timeout for another
            // process) instead of failing on a read-to-write upgrade half way.
            await using var tx = connection.BeginTransaction(deferred: false);
            var document = documentId.ToString();

            var (generation, dimensions) = await ReadMetaAsync(connection, tx, ct);
            if (newDimensions is { } nd)
            {
                if (dimensions is { } existing && existing != nd) throw new VectorDimensionMismatchException(existing, nd);
                if (dimensions is null)
                {
                    await ExecuteAsync(connection, tx, "INSERT INTO meta(key, value) VALUES ('dimensions', $v) " +
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", ct, ("$v", nd));
                    dimensions = nd;
                }
            }

            // Old version out: its FTS rows (by rowid), then its rows.
            var touched = new HashSet<Guid>();
            var oldSeqs = new List<long>();
            // Per-collection changes to the BM25 statistics (chunk count, field token totals).
            var deltas = new Dictionary<Guid, CollectionStatsDelta>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = "SELECT seq, collection_id, len_text, len_heading, len_name FROM chunks WHERE document_id = $d";
                select.Parameters.AddWithValue("$d", document);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    oldSeqs.Add(reader.GetInt64(0));
                    var collection = Guid.Parse(reader.GetString(1));
                    touched.Add(collection);
                    deltas[collection] = deltas.GetValueOrDefault(collection)
                        .Add(-1, new FieldLengths(reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)), -1);
                }
            }
            if (oldSeqs.Count > 0)
            {
                await using (var deleteFts = connection.CreateCommand())
                {
                    deleteFts.Transaction = tx;
                    deleteFts.CommandText = "DELETE FROM chunks_fts WHERE rowid = $s";
                    var p = deleteFts.Parameters.Add("$s", SqliteType.Integer);
                    foreach (var seq in oldSeqs)
                    {
                        p.Value = seq;
                        await deleteFts.ExecuteNonQueryAsync(ct);
                    }
                }
                await ExecuteAsync(connection, tx, "DELETE FROM chunks WHERE document_id = $d", ct, ("$d", document));
                await ExecuteAsync(connection, tx, "DELETE FROM document_readers WHERE document_id = $d", ct, ("$d", document));
            }
            if (chunks.Count > 0 && ReadersJson(chunks[0].Readers) is { } narrowed)
            {
                await ExecuteAsync(connection, tx, "INSERT OR REPLACE INTO document_readers(document_id, collection_id, readers) VALUES ($d, $c, $r)", ct,
                    ("$d", document), ("$c", chunks[0].CollectionId.ToString()), ("$r", narrowed));
            }

            // New version in.
            var added = new List<(Guid CollectionId, long Seq, float[] Vector)>();
            if (chunks.Count > 0)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText =
                    "INSERT INTO chunks(id, document_id, collection_id, document_name, ordinal, page_start, page_end, " +
                    "heading_path, char_start, char_end, text, vector, readers, layout) VALUES ($id, $doc, $col, $name, $ord, $ps, $pe, " +
                    "$head, $cs, $ce, $text, $vec, $readers, $layout) RETURNING seq";
                var pId = insert.Parameters.Add("$id", SqliteType.Text);
                var pDoc = insert.Parameters.Add("$doc", SqliteType.Text);
                var pCol = insert.Parameters.Add("$col", SqliteType.Text);
                var pName = insert.Parameters.Add("$name", SqliteType.Text);
                var pOrd = insert.Parameters.Add("$ord", SqliteType.Integer);
                var pPs = insert.Parameters.Add("$ps", SqliteType.Integer);
                var pPe = insert.Parameters.Add("$pe", SqliteType.Integer);
                var pHead = insert.Parameters.Add("$head", SqliteType.Text);
                var pCs = insert.Parameters.Add("$cs", SqliteType.Integer);
                var pCe = insert.Parameters.Add("$ce", SqliteType.Integer);
                var pText = insert.Parameters.Add("$text", SqliteType.Text);
                var pVec = insert.Parameters.Add("$vec", SqliteType.Blob);
                var pReaders = insert.Parameters.Add("$readers", SqliteType.Text);
                var pLayout = insert.Parameters.Add("$layout", SqliteType.Blob);

                await using var fts = connection.CreateCommand();
                fts.Transaction = tx;
                fts.CommandText = "INSERT INTO chunks_fts(rowid, text, heading, document_name) VALUES ($s, $t, $h, $n)";
                var fSeq = fts.Parameters.Add("$s", SqliteType.Integer);
                var fText = fts.Parameters.Add("$t", SqliteType.Text);
                var fHead = fts.Parameters.Add("$h", SqliteType.Text);
                var fName = fts.Parameters.Add("$n", SqliteType.Text);

                // The token counts FTS5 recorded for the row, kept on the chunk for BM25's length normalisation.
                await using var size = connection.CreateCommand();
                size.Transaction = tx;
                size.CommandText = "SELECT sz FROM chunks_fts_docsize WHERE id = $s";
                var zSeq = size.Parameters.Add("$s", SqliteType.Integer);
                await using var lengths = connection.CreateCommand();
                lengths.Transaction = tx;
                lengths.CommandText = "UPDATE chunks SET len_text = $t, len_heading = $h, len_name = $n WHERE seq = $s";
                var lSeq = lengths.Parameters.Add("$s", SqliteType.Integer);
                var lText = lengths.Parameters.Add("$t", SqliteType.Integer);
                var lHead = lengths.Parameters.Add("$h", SqliteType.Integer);
                var lName = lengths.Parameters.Add("$n", SqliteType.Integer);

                foreach (var chunk in chunks)
                {
                    pId.Value = chunk.Id;
                    pDoc.Value = document;
                    pCol.Value = chunk.CollectionId.ToString();
                    pName.Value = chunk.DocumentName ?? "";
                    pOrd.Value = chunk.Ordinal;
                    pPs.Value = chunk.PageStart;
                    pPe.Value = chunk.PageEnd;
                    pHead.Value = (object?)chunk.HeadingPath ?? DBNull.Value;
                    pCs.Value = chunk.CharStart;
                    pCe.Value = chunk.CharEnd;
                    pText.Value = chunk.Text ?? "";
                    pVec.Value = chunk.Vector is { } v ? MemoryMarshal.AsBytes(v.AsSpan()).ToArray() : DBNull.Value;
                    pReaders.Value = (object?)ReadersJson(chunk.Readers) ?? DBNull.Value;
                    pLayout.Value = chunk.Layout is { } layout ? layout.Encode() : DBNull.Value;
                    long seq;
                    try
                    {
                        seq = (long)(await insert.ExecuteScalarAsync(ct))!;
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
                    {
                        throw new InvalidOperationException(
                            $"Chunk id {chunk.Id} is already used by another document; chunk ids must be unique per document " +
                            "(use IndexedChunk.MakeId).", e);
                    }

                    fSeq.Value = seq;
                    fText.Value = FtsText.ForIndex(chunk.Text);
                    fHead.Value = FtsText.ForIndex(chunk.HeadingPath);
                    fName.Value = FtsText.ForIndex(chunk.DocumentContext is { Length: > 0 } context ? $"{chunk.DocumentName}\n{context}" : chunk.DocumentName);
                    await fts.ExecuteNonQueryAsync(ct);

                    zSeq.Value = seq;
                    var counted = LexicalSearch.DecodeDocSize(await size.ExecuteScalarAsync(ct) as byte[]);
                    lSeq.Value = seq;
                    lText.Value = counted.Text;
                    lHead.Value = counted.Heading;
                    lName.Value = counted.Document;
                    await lengths.ExecuteNonQueryAsync(ct);
                    deltas[chunk.CollectionId] = deltas.GetValueOrDefault(chunk.CollectionId).Add(1, counted, 1);

                    touched.Add(chunk.CollectionId);
                    if (chunk.Vector is { } vector) added.Add((chunk.CollectionId, seq, vector));
                }
            }

            if (touched.Count == 0)
            {
                await tx.CommitAsync(ct); // deleting an unknown document: nothing changed, no generation bump
                return;
            }

            // Bump the generation and stamp the touched collections, remembering their previous stamps.
            var newGeneration = generation + 1;
            var previousStamps = new Dictionary<Guid, long>();
            await using (var stamp = connection.CreateCommand())
            {
                stamp.Transaction = tx;
                stamp.CommandText =
                    "SELECT generation FROM collection_generations WHERE collection_id = $c";
                var pc = stamp.Parameters.Add("$c", SqliteType.Text);
                foreach (var collection in touched)
                {
                    pc.Value = collection.ToString();
                    previousStamps[collection] = await stamp.ExecuteScalarAsync(ct) is long s ? s : 0L;
                }
                stamp.CommandText =
                    "INSERT INTO collection_generations(collection_id, generation) VALUES ($c, $g) " +
                    "ON CONFLICT(collection_id) DO UPDATE SET generation = excluded.generation";
                stamp.Parameters.AddWithValue("$g", newGeneration);
                foreach (var collection in touched)
                {
                    pc.Value = collection.ToString();
                    await stamp.ExecuteNonQueryAsync(ct);
                }
            }
            await using (var stats = connection.CreateCommand())
            {
                stats.Transaction = tx;
                stats.CommandText =
                    "INSERT INTO collection_stats(collection_id, chunks, len_text, len_heading, len_name) VALUES ($c, $n, $t, $h, $d) " +
                    "ON CONFLICT(collection_id) DO UPDATE SET chunks = chunks + excluded.chunks, len_text = len_text + excluded.len_text, " +
                    "len_heading = len_heading + excluded.len_heading, len_name = len_name + excluded.len_name";
                var pc = stats.Parameters.Add("$c", SqliteType.Text);
                var pn = stats.Parameters.Add("$n", SqliteType.Integer);
                var pt = stats.Parameters.Add("$t", SqliteType.Integer);
                var ph = stats.Parameters.Add("$h", SqliteType.Integer);
                var pd = stats.Parameters.Add("$d", SqliteType.Integer);
                foreach (var (collection, delta) in deltas)
                {
                    pc.Value = collection.ToString();
                    pn.Value = delta.Chunks;
                    pt.Value = delta.Text;
                    ph.Value = delta.Heading;
                    pd.Value = delta.Document;
                    await stats.ExecuteNonQueryAsync(ct);
                }
            }
            await ExecuteAsync(connection, tx, "UPDATE meta SET value = $g WHERE key = 'generation'", ct, ("$g", newGeneration));
            await tx.CommitAsync(ct);

            await _vectors.ApplyAsync(documentId, previousStamps, added, generation, newGeneration, dimensions);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void InitializeSchema()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                _logger.LogWarning("The chunk index {Path} could not switch to WAL mode (journal mode {Mode}).", DatabasePath, mode);
            }
        }
        ConfigureConnection(connection);
        using var tx = connection.BeginTransaction(deferred: false);
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
            INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', 1), ('generation', 0);
            CREATE TABLE IF NOT EXISTS chunks (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                document_id TEXT NOT NULL,
                collection_id TEXT NOT NULL,
                document_name TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                page_start INTEGER NOT NULL,
                page_end INTEGER NOT NULL,
                heading_path TEXT NULL,
                char_start INTEGER NOT NULL,
                char_end INTEGER NOT NULL,
                text TEXT NOT NULL,
                vector BLOB NULL,
                layout BLOB NULL);
            CREATE INDEX IF NOT EXISTS ix_chunks_document ON chunks(document_id, ordinal);
            CREATE INDEX IF NOT EXISTS ix_chunks_collection ON chunks(collection_id);
            CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
                text, heading, document_name,
                content = '', contentless_delete = 1,
                tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts_terms USING fts5vocab(chunks_fts, instance);
            CREATE TABLE IF NOT EXISTS collection_generations (
                collection_id TEXT PRIMARY KEY,
                generation INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS collection_stats (
                collection_id TEXT PRIMARY KEY,
                chunks INTEGER NOT NULL,
                len_text INTEGER NOT NULL,
                len_heading INTEGER NOT NULL,
                len_name INTEGER NOT NULL);
            """;
        cmd.ExecuteNonQuery();
        AddReadersColumn(connection, tx);
        MigrateToBm25Statistics(connection, tx);
        // Files made before chunk layouts existed get the column; their chunks read back without a layout until re-indexed.
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info('chunks') WHERE name = 'layout'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            cmd.CommandText = "ALTER TABLE chunks ADD COLUMN layout BLOB NULL";
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// Index files made before per-document access have no <c>readers</c> column: add it (NULL: every existing chunk
    /// keeps its collection's access) and the indexes that use it. Idempotent, inside the schema transaction.
    /// </summary>
    private static void AddReadersColumn(SqliteConnection connection, SqliteTransaction tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info('chunks') WHERE name = 'readers'";
        if ((long)cmd.ExecuteScalar()! == 0)
        {
            cmd.CommandText = "ALTER TABLE chunks ADD COLUMN readers TEXT NULL";
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS document_readers (
                document_id TEXT PRIMARY KEY,
                collection_id TEXT NOT NULL,
                readers TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_document_readers_collection ON document_readers(collection_id);
            DROP INDEX IF EXISTS ix_chunks_seq_collection;
            DROP INDEX IF EXISTS ix_chunks_restricted;
            INSERT INTO meta(key, value) VALUES ('schema_version', 2) ON CONFLICT(key) DO UPDATE SET value = max(value, 2);
            """;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// The documents of these collections whose readers exclude the caller, from <c>document_readers</c> (one row per
    /// narrowed document, kept with the chunks' <c>readers</c> in the same transactions): the cost follows the number
    /// of narrowed documents, not of their chunks.
    /// </summary>
    private static async Task<IReadOnlySet<Guid>> HiddenDocumentsAsync(SqliteConnection connection, IReadOnlyCollection<Guid> collections,
        IndexFilter filter, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        var tokens = filter.Readers is { Count: > 0 } r
            ? $"AND NOT EXISTS (SELECT 1 FROM json_each(c.readers) j WHERE j.value IN ({InList(cmd, "$r", r.Distinct(StringComparer.Ordinal))}))"
            : "";
        cmd.CommandText =
            "SELECT c.document_id FROM document_readers c " +
            $"WHERE c.collection_id IN ({InList(cmd, "$c", collections)}) {tokens}";
        var hidden = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hidden.Add(Guid.Parse(reader.GetString(0)));
        return hidden;
    }

    /// <summary>
    /// The readers condition of a filter ("" when the caller is not narrowed by documents). A chunk's readers are a JSON
    /// array written by <see cref="ReadersJson"/>; a token is one of its elements exactly when its JSON encoding appears
    /// right after '[' or ',' (inside a JSON string a quote is always escaped, so neither "[\"" nor ",\"" can occur
    /// there). Two <c>instr</c> calls per token cost far less per row than expanding the array with <c>json_each</c>.
    /// </summary>
    internal static string ReadersClause(SqliteCommand cmd, IndexFilter filter)
    {
        if (filter.Readers is null) return "";
        if (filter.Readers.Count == 0) return " AND c.readers IS NULL";
        var sb = new StringBuilder(" AND (c.readers IS NULL");
        var i = 0;
        foreach (var token in filter.Readers.Distinct(StringComparer.Ordinal))
        {
            var encoded = System.Text.Json.JsonSerializer.Serialize(token);
            var first = string.Create(CultureInfo.InvariantCulture, $"$rf{i}");
            var next = string.Create(CultureInfo.InvariantCulture, $"$rn{i++}");
            cmd.Parameters.AddWithValue(first, "[" + encoded);
            cmd.Parameters.AddWithValue(next, "," + encoded);
            sb.Append(CultureInfo.InvariantCulture, $" OR instr(c.readers, {first}) > 0 OR instr(c.readers, {next}) > 0");
        }
        return sb.Append(')').ToString();
    }

    private static string? ReadersJson(IReadOnlyCollection<string>? readers) =>
        readers is null ? null : System.Text.Json.JsonSerializer.Serialize(readers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// Schema 2: each chunk keeps its field token counts (from FTS5's docsize record) and each collection its totals,
    /// the statistics of <see cref="LexicalSearch"/>. A file of schema 1 gets the columns, filled from the records
    /// FTS5 already holds, and the totals, in the opening transaction.
    /// </summary>
    private static void MigrateToBm25Statistics(SqliteConnection connection, SqliteTransaction tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info('chunks') WHERE name = 'len_text'";
        if ((long)cmd.ExecuteScalar()! == 0)
        {
            cmd.CommandText =
                "ALTER TABLE chunks ADD COLUMN len_text INTEGER NOT NULL DEFAULT 0;" +
                "ALTER TABLE chunks ADD COLUMN len_heading INTEGER NOT NULL DEFAULT 0;" +
                "ALTER TABLE chunks ADD COLUMN len_name INTEGER NOT NULL DEFAULT 0;";
            cmd.ExecuteNonQuery();
            var sizes = new List<(long Seq, FieldLengths Lengths)>();
            cmd.CommandText = "SELECT c.seq, d.sz FROM chunks c JOIN chunks_fts_docsize d ON d.id = c.seq";
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read()) sizes.Add((reader.GetInt64(0), LexicalSearch.DecodeDocSize(reader.IsDBNull(1) ? null : (byte[])reader[1])));
            }
            using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE chunks SET len_text = $t, len_heading = $h, len_name = $n WHERE seq = $s";
            var s = update.Parameters.Add("$s", SqliteType.Integer);
            var t = update.Parameters.Add("$t", SqliteType.Integer);
            var h = update.Parameters.Add("$h", SqliteType.Integer);
            var n = update.Parameters.Add("$n", SqliteType.Integer);
            foreach (var (seq, lengths) in sizes)
            {
                s.Value = seq;
                t.Value = lengths.Text;
                h.Value = lengths.Heading;
                n.Value = lengths.Document;
                update.ExecuteNonQuery();
            }
            cmd.CommandText =
                "DELETE FROM collection_stats;" +
                "INSERT INTO collection_stats(collection_id, chunks, len_text, len_heading, len_name) " +
                "SELECT collection_id, count(*), sum(len_text), sum(len_heading), sum(len_name) FROM chunks GROUP BY collection_id;";
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText =
            "DROP INDEX IF EXISTS ix_chunks_seq_collection;" +
            "DROP INDEX IF EXISTS ix_chunks_seq_access;" +
            "CREATE INDEX IF NOT EXISTS ix_chunks_seq_lengths ON chunks(seq, collection_id, len_text, len_heading, len_name, readers);" +
            "INSERT INTO meta(key, value) VALUES ('schema_version', 2) ON CONFLICT(key) DO UPDATE SET value = max(value, 2);";
        cmd.ExecuteNonQuery();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            ConfigureConnection(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void ConfigureConnection(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
        cmd.ExecuteNonQuery();
    }

    /// <summary>The generation counter and recorded vector size (shared with <see cref="VectorCache"/>).</summary>
    internal static async Task<(long Generation, int? Dimensions)> ReadMetaAsync(SqliteConnection connection, SqliteTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT key, value FROM meta WHERE key IN ('generation', 'dimensions')";
        long generation = 0;
        int? dimensions = null;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(1)) continue;
            if (reader.GetString(0) == "generation") generation = reader.GetInt64(1);
            else dimensions = reader.GetInt32(1);
        }
        return (generation, dimensions);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds one parameter per value and returns the placeholder list ("$c0, $c1, ...").</summary>
    internal static string InList<T>(SqliteCommand cmd, string prefix, IEnumerable<T> values)
    {
        var sb = new StringBuilder();
        var i = 0;
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i++}");
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(name);
            // Guids are bound as their canonical text (the column holds text), never as Microsoft.Data.Sqlite's blob default.
            cmd.Parameters.AddWithValue(name, value is Guid g ? g.ToString() : (object)value!);
        }
        return sb.ToString();
    }

    private static IndexedChunk ReadChunk(SqliteDataReader r) => new(
        Id: r.GetString(1),
        DocumentId: Guid.Parse(r.GetString(2)),
        CollectionId: Guid.Parse(r.GetString(3)),
        DocumentName: r.GetString(4),
        Ordinal: r.GetInt32(5),
        PageStart: r.GetInt32(6),
        PageEnd: r.GetInt32(7),
        HeadingPath: r.IsDBNull(8) ? null : r.GetString(8),
        CharStart: r.GetInt32(9),
        CharEnd: r.GetInt32(10),
        Text: r.GetString(11),
        Layout: r.IsDBNull(12) ? null : ChunkLayout.Decode((byte[])r.GetValue(12)));
}

/// <summary>Where the embedded index keeps its file, and how long a write waits for another process's lock.</summary>
public sealed class EmbeddedChunkIndexOptions
{
    /// <summary>Path of the SQLite file, e.g. <c>{DataPath}/index/chunks.db</c>; its folder is created.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>How long an operation waits for another connection's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A dense search whose filter selects at most this many vectors scores every one exactly; above it, vectors
    /// are ranked by the Hamming distance of their sign codes and the best <see cref="RescoreCandidates"/> are
    /// scored exactly (see <c>DenseSearch</c>).
    /// </summary>
    public int ExactSearchBelow { get; set; } = 20_000;

    /// <summary>How many binary-code candidates a large dense search scores exactly.</summary>
    public int RescoreCandidates { get; set; } = 1_000;

    /// <summary>The lexical ranking's parameters (<c>Index:Bm25</c>); null means the defaults.</summary>
    public Bm25Options? Bm25 { get; set; }
}

/// <summary>A change to one collection's BM25 statistics within one write.</summary>
internal readonly record struct CollectionStatsDelta(long Chunks, long Text, long Heading, long Document)
{
    public CollectionStatsDelta Add(int chunks, FieldLengths lengths, int sign) =>
        new(Chunks + chunks, Text + sign * lengths.Text, Heading + sign * lengths.Heading, Document + sign * lengths.Document);
}
