using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Operations;

public sealed record BackupReport(string Destination, int Documents, int Blobs, long Bytes, int MissingBlobs, double Seconds);

public sealed record RestoreReport(string DataPath, int Documents, int Requeued);

/// <summary>
/// A consistent copy of the embedded default (metadata store, chunk index, blobs) taken while the app runs.
/// The metadata is copied first and the index second, so the index is never older than the metadata: a document
/// the copy calls indexed has its chunks. Anything caught mid-ingestion is queued again on restore, and the chunk
/// ids are deterministic, so the restored app finishes it without duplicates.
/// </summary>
public sealed class BackupService(IOptions<PrivateRagOptions> data, IOptions<StoreOptions> store, ILogger<BackupService> logger)
{
    private const string ManifestName = "privaterag-backup.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<BackupReport> BackupAsync(string destination, CancellationToken ct = default)
    {
        if (store.Value.Provider != StoreProvider.Sqlite)
            throw new InvalidRequestException("privaterag backup copies the embedded default; back up PostgreSQL with pg_dump and Qdrant with its snapshots (docs/operations.md).");
        var started = DateTime.UtcNow;
        // A backup is laid out as a data folder, so restore is a copy.
        var source = data.Value.Folder;
        var target = new DataFolder(destination);
        if (Directory.Exists(target.Root) && Directory.EnumerateFileSystemEntries(target.Root).Any())
            throw new InvalidRequestException($"The backup folder '{target.Root}' is not empty.");
        Directory.CreateDirectory(target.IndexFolder);

        CopyDatabase(source.StoreDatabase, target.StoreDatabase);
        if (File.Exists(source.IndexDatabase)) CopyDatabase(source.IndexDatabase, target.IndexDatabase);

        // Blobs are immutable and named by content: copy the ones the copied metadata refers to.
        var hashes = await ReferencedHashesAsync(target.StoreDatabase, ct);
        int copied = 0, missing = 0;
        long bytes = 0;
        foreach (var hash in hashes)
        {
            ct.ThrowIfCancellationRequested();
            var from = source.Blobs.PathFor(hash);
            if (!File.Exists(from))
            {
                missing++; // deleted after the metadata was copied; restore drops its document
                continue;
            }
            var to = target.Blobs.PathFor(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            bytes += new FileInfo(to).Length;
            copied++;
        }
        if (Directory.Exists(source.KeysFolder))
        {
            Directory.CreateDirectory(target.KeysFolder);
            foreach (var file in Directory.EnumerateFiles(source.KeysFolder)) File.Copy(file, Path.Combine(target.KeysFolder, Path.GetFileName(file)));
        }
        var report = new BackupReport(target.Root, hashes.Count, copied, bytes, missing, Math.Round((DateTime.UtcNow - started).TotalSeconds, 2));
        await File.WriteAllTextAsync(Path.Combine(target.Root, ManifestName), JsonSerializer.Serialize(new { createdAt = DateTimeOffset.UtcNow, report }, Json), ct);
        logger.LogInformation("Backup of {Source} written to {Target}: {Blobs} blobs, {Bytes} bytes", source.Root, target.Root, copied, bytes);
        return report;
    }

    /// <summary>
    /// Copies a backup into an empty data folder, then makes it self-consistent: documents whose bytes are missing
    /// are removed, and documents caught mid-ingestion (or whose chunk count disagrees with the index) are queued again.
    /// </summary>
    public async Task<RestoreReport> RestoreAsync(string backup, string dataPath, CancellationToken ct = default)
    {
        var from = Path.GetFullPath(backup);
        if (!File.Exists(Path.Combine(from, ManifestName)))
            throw new InvalidRequestException($"'{from}' is not a PrivateRag backup (no {ManifestName}).");
        var to = Path.GetFullPath(dataPath);
        if (Directory.Exists(to) && Directory.EnumerateFileSystemEntries(to).Any())
            throw new InvalidRequestException($"Restore into an empty data folder; '{to}' is not empty (stop the app and move it aside).");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative == ManifestName) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return await ReconcileAsync(new DataFolder(to), ct);
    }

    private static async Task<RestoreReport> ReconcileAsync(DataFolder folder, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<SqliteStoreContext>()
            .UseSqlite(StoreServiceCollectionExtensions.SqliteConnectionStringFor(folder)).Options;
        await using var db = new SqliteStoreContext(options);
        await db.Database.MigrateAsync(ct);
        var chunkCounts = await IndexChunkCountsAsync(folder.IndexDatabase, ct);
        var documents = await db.Documents.ToListAsync(ct);
        var requeued = 0;
        foreach (var doc in documents)
        {
            var blob = folder.Blobs.PathFor(doc.ContentHash);
            if (!File.Exists(blob))
            {
                db.Documents.Remove(doc);
                continue;
            }
            var inIndex = chunkCounts.GetValueOrDefault(doc.Id);
            var settled = doc.Status == DocumentStatus.Failed || (doc.Status == DocumentStatus.Indexed && inIndex == doc.Chunks);
            if (settled) continue;
            doc.Status = DocumentStatus.Queued;
            doc.Stage = null;
            doc.Progress = 0;
            requeued++;
            var jobs = await db.IngestionJobs.Where(j => j.DocumentId == doc.Id && (j.State == JobState.Pending || j.State == JobState.Leased)).ToListAsync(ct);
            if (jobs.Count == 0) db.IngestionJobs.Add(new IngestionJob { DocumentId = doc.Id });
            foreach (var job in jobs)
            {
                // Leases held by workers of the old installation mean nothing here.
                job.State = JobState.Pending;
                job.LeasedBy = null;
                job.AvailableAt = DateTimeOffset.UtcNow;
            }
        }
        await db.SaveChangesAsync(ct);
        return new RestoreReport(folder.Root, await db.Documents.CountAsync(ct), requeued);
    }

    private static void CopyDatabase(string from, string to)
    {
        // SQLite's online backup: a transactionally consistent copy even while other connections write.
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 30 }.ToString());
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = to, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }

    private static async Task<IReadOnlyList<string>> ReferencedHashesAsync(string database, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT ContentHash FROM Documents";
        var hashes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hashes.Add(reader.GetString(0));
        return hashes;
    }

    private static async Task<Dictionary<Guid, int>> IndexChunkCountsAsync(string indexFile, CancellationToken ct)
    {
        var counts = new Dictionary<Guid, int>();
        if (!File.Exists(indexFile)) return counts;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = indexFile, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document_id, COUNT(*) FROM chunks GROUP BY document_id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (Guid.TryParse(reader.GetString(0), out var id)) counts[id] = reader.GetInt32(1);
        return counts;
    }
}
