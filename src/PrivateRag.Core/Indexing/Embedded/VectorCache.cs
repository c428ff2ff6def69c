using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// In-memory vector partitions, one per collection, loaded lazily and kept coherent with the database file,
/// which other processes may write.
/// </summary>
/// <remarks>
/// Every write bumps <c>meta.generation</c> and stamps each collection it touched with the new value in
/// <c>collection_generations</c>, in the same transaction. Before a search the cache reads <c>meta.generation</c>
/// (one indexed single-row query); when it moved since the last check, it reads the (small) per-collection
/// table and drops every partition whose stamp differs, and the next search that needs one reloads it in one
/// read transaction (stamp and vectors from the same snapshot). Writes made by this process are applied to
/// loaded partitions in place when the partition was current before the write, so in-process ingestion does
/// not force reloads.
/// </remarks>
internal sealed class VectorCache(Func<Guid, int, IVectorPartition> partitionFactory, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, IVectorPartition> _partitions = new();
    private readonly SemaphoreSlim _sync = new(1, 1);
    private long _syncedGeneration = -1;

    /// <summary>The recorded vector dimension as of the last check, or null when no vector was ever stored.</summary>
    public int? Dimensions { get; private set; }

    /// <summary>Brings the partitions of the given collections up to date with the file and returns them.</summary>
    public async Task<IReadOnlyList<IVectorPartition>> GetFreshAsync(
        SqliteConnection connection, IReadOnlyCollection<Guid> collections, CancellationToken ct)
    {
        var (generation, dimensions) = await EmbeddedChunkIndex.ReadMetaAsync(connection, null, ct);
        if (generation == Interlocked.Read(ref _syncedGeneration) && TryCollect(collections, out var fast))
        {
            return fast;
        }

        await _sync.WaitAsync(ct);
        try
        {
            if (generation != Interlocked.Read(ref _syncedGeneration))
            {
                var stamps = await ReadCollectionGenerationsAsync(connection, ct);
                foreach (var (id, partition) in _partitions)
                {
                    var stamp = stamps.GetValueOrDefault(id);
                    if (partition.Generation != stamp) Evict(id);
                }
                if (Dimensions != dimensions)
                {
                    // The recorded dimension changed (a later re-embedding): nothing loaded can still be valid.
                    foreach (var id in _partitions.Keys) Evict(id);
                }
                Dimensions = dimensions;
                Interlocked.Exchange(ref _syncedGeneration, generation);
            }

            var result = new List<IVectorPartition>(collections.Count);
            foreach (var id in collections)
            {
                if (!_partitions.TryGetValue(id, out var partition))
                {
                    partition = await LoadAsync(connection, id, ct);
                    if (partition is null) continue;
                    _partitions[id] = partition;
                }
                result.Add(partition);
            }
            return result;
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>
    /// Applies a committed write of this process. <paramref name="previousStamps"/> are the touched collections'
    /// stamps before the write (read inside its transaction), <paramref name="newGeneration"/> the new stamp.
    /// </summary>
    public async Task ApplyAsync(
        Guid documentId,
        IReadOnlyDictionary<Guid, long> previousStamps,
        IReadOnlyList<(Guid CollectionId, long Seq, float[] Vector)> added,
        long previousGeneration,
        long newGeneration,
        int? dimensions)
    {
        await _sync.WaitAsync();
        try
        {
            foreach (var (collectionId, previousStamp) in previousStamps)
            {
                if (!_partitions.TryGetValue(collectionId, out var partition)) continue;
                if (partition.Generation == newGeneration) continue; // a search already reloaded it
                if (partition.Generation != previousStamp || partition.Dimensions != dimensions)
                {
                    Evict(collectionId);
                    continue;
                }
                partition.RemoveDocument(documentId);
                foreach (var row in added)
                {
                    if (row.CollectionId == collectionId) partition.Add(row.Seq, documentId, row.Vector);
                }
                partition.Generation = newGeneration;
            }

            if (Interlocked.Read(ref _syncedGeneration) == previousGeneration && Dimensions == dimensions)
            {
                Interlocked.Exchange(ref _syncedGeneration, newGeneration);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>
    /// Drops a partition from the cache without disposing it: a search that took it a moment ago may still be reading
    /// it (disposing its lock under that search threw ObjectDisposedException); the collector reclaims it after.
    /// </summary>
    private void Evict(Guid collectionId) => _partitions.TryRemove(collectionId, out _);

    public void Dispose()
    {
        foreach (var partition in _partitions.Values) partition.Dispose();
        _partitions.Clear();
        _sync.Dispose();
    }

    private bool TryCollect(IReadOnlyCollection<Guid> collections, out IReadOnlyList<IVectorPartition> partitions)
    {
        var list = new List<IVectorPartition>(collections.Count);
        foreach (var id in collections)
        {
            if (!_partitions.TryGetValue(id, out var partition))
            {
                partitions = [];
                return false;
            }
            list.Add(partition);
        }
        partitions = list;
        return true;
    }


    private static async Task<Dictionary<Guid, long>> ReadCollectionGenerationsAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT collection_id, generation FROM collection_generations";
        var stamps = new Dictionary<Guid, long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) stamps[Guid.Parse(reader.GetString(0))] = reader.GetInt64(1);
        return stamps;
    }

    private async Task<IVectorPartition?> LoadAsync(SqliteConnection connection, Guid collectionId, CancellationToken ct)
    {
        // One read transaction: the stamp and the rows come from the same snapshot of the file.
        await using var tx = connection.BeginTransaction(deferred: true);
        var collection = collectionId.ToString();

        await using var stampCmd = connection.CreateCommand();
        stampCmd.Transaction = tx;
        stampCmd.CommandText = "SELECT generation FROM collection_generations WHERE collection_id = $c";
        stampCmd.Parameters.AddWithValue("$c", collection);
        var stamp = await stampCmd.ExecuteScalarAsync(ct) is long s ? s : 0L;

        await using var metaCmd = connection.CreateCommand();
        metaCmd.Transaction = tx;
        metaCmd.CommandText = "SELECT value FROM meta WHERE key = 'dimensions'";
        if (await metaCmd.ExecuteScalarAsync(ct) is not long dims)
        {
            await tx.CommitAsync(ct);
            return null; // no vector was ever stored
        }
        var dimensions = (int)dims;

        await using var countCmd = connection.CreateCommand();
        countCmd.Transaction = tx;
        countCmd.CommandText = "SELECT count(*) FROM chunks WHERE collection_id = $c AND vector IS NOT NULL";
        countCmd.Parameters.AddWithValue("$c", collection);
        var count = Convert.ToInt32(await countCmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        var partition = partitionFactory(collectionId, dimensions);
        partition.Generation = stamp;
        if (count > 0)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT seq, document_id, vector FROM chunks WHERE collection_id = $c AND vector IS NOT NULL";
            cmd.Parameters.AddWithValue("$c", collection);
            var buffer = new byte[dimensions * sizeof(float)];
            var skipped = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var length = reader.GetBytes(2, 0, null, 0, 0);
                if (length != buffer.Length)
                {
                    skipped++;
                    continue;
                }
                reader.GetBytes(2, 0, buffer, 0, buffer.Length);
                partition.Add(reader.GetInt64(0), Guid.Parse(reader.GetString(1)), MemoryMarshal.Cast<byte, float>(buffer));
            }
            if (skipped > 0)
            {
                logger.LogWarning("Skipped {Count} vectors of collection {CollectionId} whose length is not {Dimensions} floats.",
                    skipped, collectionId, dimensions);
            }
        }
        await tx.CommitAsync(ct);
        logger.LogDebug("Loaded {Count} vectors of collection {CollectionId} (generation {Generation}).",
            partition.Count, collectionId, stamp);
        return partition;
    }
}
