using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Sources;
using PrivateRag.Core.Storage;

namespace PrivateRag.Ingest.Sources;

/// <summary>What one sync did. <see cref="Failures"/> names each file that could not be synced and why.</summary>
public sealed record SyncResult(
    int Seen, int Added, int Changed, int Renamed, int Removed, int Unchanged, int Failed, int AccessChanged,
    IReadOnlyList<SyncFailure> Failures, IReadOnlyList<Guid> Queued, double Seconds)
{
    public static SyncResult Sum(IReadOnlyList<SyncResult> runs) => new(
        runs.Sum(r => r.Seen), runs.Sum(r => r.Added), runs.Sum(r => r.Changed), runs.Sum(r => r.Renamed), runs.Sum(r => r.Removed),
        runs.Sum(r => r.Unchanged), runs.Sum(r => r.Failed), runs.Sum(r => r.AccessChanged), runs.SelectMany(r => r.Failures).ToList(),
        runs.SelectMany(r => r.Queued).Distinct().ToList(), runs.Sum(r => r.Seconds));
}

public sealed record SyncFailure(string Path, string Error);

/// <summary>Progress of a running sync: files looked at of those found.</summary>
public sealed record SyncProgress(int Done, int Total);

/// <summary>
/// One run of a folder source. Incremental: a file whose size and modification time are unchanged costs one stat; any
/// other is hashed (SHA-256), and only new bytes are stored and queued for ingestion. A file whose bytes match an item
/// whose path has gone is a rename or move: the item and the document's name follow, nothing is re-embedded. A changed
/// file keeps its document (id, access, links) with new bytes; a gone file's document and chunks are removed. Access
/// comes from <see cref="FolderAccess"/> and changes chunks' readers in place.
/// </summary>
/// <remarks>
/// Crash safety: every step is idempotent and ordered so the store never holds two documents for one file. Bytes go in
/// first (content-addressed: the same bytes are one document per collection), then the document row, then the item; a
/// run killed between two steps leaves either a document no item points at (removed at the end of the next run as an
/// orphan of this source) or an item whose recorded hash differs from its file (seen as changed, and the document
/// already holds the bytes). So a sync after a crash ends in exactly the state a clean sync would.
/// </remarks>
public sealed class FolderSync(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    DocumentService documents,
    ILogger<FolderSync> logger)
{
    private static readonly AccessContext Operator = AccessContext.System;

    public async Task<SyncResult> RunAsync(Source source, Func<SyncProgress, Task>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var started = Stopwatch.GetTimestamp();
        var root = Path.GetFullPath(source.Location);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"The source folder '{root}' does not exist or cannot be read.");
        var include = Patterns(source.Include);
        var exclude = Patterns(source.Exclude);

        // 1. What is on disk now (supported types, include/exclude applied).
        var files = new List<(string Path, FileInfo Info)>();
        foreach (var full in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            var relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
            var name = Path.GetFileName(relative);
            if (name == FolderAccess.FileName || !documents.IsAllowedFile(name)) continue;
            if (include.Count > 0 && !include.Any(g => g.IsMatch(relative))) continue;
            if (exclude.Any(g => g.IsMatch(relative))) continue;
            files.Add((relative, new FileInfo(full)));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        // 2. What the source has ingested before, and the access its documents have now.
        Dictionary<string, SourceItem> items;
        Dictionary<Guid, DocumentAccessRule?> accessOf;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            items = await db.SourceItems.AsNoTracking().Where(i => i.SourceId == source.Id).ToDictionaryAsync(i => i.Path, StringComparer.Ordinal, ct);
            accessOf = (await db.Documents.AsNoTracking().Include(d => d.Grants).Where(d => d.SourceId == source.Id || db.SourceItems.Any(i => i.SourceId == source.Id && i.DocumentId == d.Id))
                .ToListAsync(ct)).ToDictionary(d => d.Id, DocumentAccessRule.Of);
        }
        var onDisk = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        // Items whose file is gone: each may turn out to be the old path of a renamed or moved file.
        var gone = items.Values.Where(i => !onDisk.Contains(i.Path)).ToList();
        var goneByHash = gone.GroupBy(i => i.ContentHash).ToDictionary(g => g.Key, g => new Queue<SourceItem>(g.OrderBy(i => i.Path, StringComparer.Ordinal)));

        var access = new FolderAccess(root);
        var counts = new Counts();
        var failures = new List<SyncFailure>();
        var queued = new List<Guid>();
        var lastReport = Stopwatch.GetTimestamp();
        if (progress is not null) await progress(new SyncProgress(0, files.Count));

        for (var n = 0; n < files.Count; n++)
        {
            ct.ThrowIfCancellationRequested();
            var (relative, info) = files[n];
            counts.Seen++;
            try
            {
                info.Refresh();
                if (info.Length > source.MaxFileBytes)
                    throw new InvalidDataException($"{info.Length} bytes is over the source's limit of {source.MaxFileBytes} bytes.");
                var rule = access.For(relative);
                var documentId = await SyncFileAsync(source, root, relative, info, items, goneByHash, counts, queued, ct);
                if (documentId is { } id && !Same(accessOf.GetValueOrDefault(id), rule))
                {
                    await documents.SetAccessAsync(id, rule, Operator, ct);
                    accessOf[id] = rule;
                    counts.AccessChanged++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidRequestException or PayloadTooLargeException)
            {
                counts.Failed++;
                failures.Add(new SyncFailure(relative, e.Message));
                logger.LogWarning("Source {SourceId}: file {Path} not synced: {Reason}", source.Id, relative, e.Message);
            }
            if (progress is not null && (n + 1 == files.Count || Stopwatch.GetElapsedTime(lastReport) > TimeSpan.FromMilliseconds(500) || (n + 1) % 50 == 0))
            {
                lastReport = Stopwatch.GetTimestamp();
                await progress(new SyncProgress(n + 1, files.Count));
            }
        }

        // 3. Gone files that were not renames: their items go, then every document of this source no item points at.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var leftover = goneByHash.Values.SelectMany(q => q).Select(i => i.Id).ToList();
            foreach (var batch in leftover.Chunk(500))
                counts.Removed += await db.SourceItems.Where(i => batch.Contains(i.Id)).ExecuteDeleteAsync(ct);
            var orphans = await db.Documents.Where(d => d.SourceId == source.Id && !db.SourceItems.Any(i => i.DocumentId == d.Id))
                .Select(d => d.Id).ToListAsync(ct);
            foreach (var orphan in orphans) await documents.DeleteAsync(orphan, Operator, ct);
        }
        counts.Unchanged = counts.Seen - counts.Added - counts.Changed - counts.Renamed - counts.Failed;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        logger.LogInformation(
            "Source {SourceId} synced in {Seconds:0.0} s: {Seen} seen, {Added} added, {Changed} changed, {Renamed} renamed, {Removed} removed, {Unchanged} unchanged, {Failed} failed",
            source.Id, seconds, counts.Seen, counts.Added, counts.Changed, counts.Renamed, counts.Removed, counts.Unchanged, counts.Failed);
        return new SyncResult(counts.Seen, counts.Added, counts.Changed, counts.Renamed, counts.Removed, counts.Unchanged, counts.Failed,
            counts.AccessChanged, failures, queued, seconds);
    }

    /// <summary>One file: unchanged, changed, renamed or added. Returns the document that now holds it.</summary>
    private async Task<Guid?> SyncFileAsync(Source source, string root, string relative, FileInfo info,
        Dictionary<string, SourceItem> items, Dictionary<string, Queue<SourceItem>> goneByHash, Counts counts, List<Guid> queued, CancellationToken ct)
    {
        var mtime = info.LastWriteTimeUtc.Ticks;
        items.TryGetValue(relative, out var item);
        if (item is not null && item.SizeBytes == info.Length && item.ModifiedTicks == mtime) return item.DocumentId;

        var hash = await HashAsync(info.FullName, ct);
        var name = Path.GetFileName(relative);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (item is not null)
        {
            if (item.ContentHash == hash)
            {
                // Touched, not changed (or a crash came after the document took the bytes): record the new time.
                await db.SourceItems.Where(i => i.Id == item.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.SizeBytes, info.Length).SetProperty(i => i.ModifiedTicks, mtime), ct);
                return item.DocumentId;
            }
            var shared = await db.SourceItems.AnyAsync(i => i.DocumentId == item.DocumentId && i.Id != item.Id, ct);
            Guid target;
            await using (var stream = OpenShared(info.FullName))
            {
                if (!shared && await documents.ReplaceContentAsync(item.DocumentId, name, stream, Operator, ct)) target = item.DocumentId;
                else
                {
                    stream.Position = 0;
                    target = (await documents.UploadAsync(source.CollectionId, name, stream, Operator, source.Id, ct)).Document.Id;
                }
            }
            await db.SourceItems.Where(i => i.Id == item.Id).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.ContentHash, hash).SetProperty(i => i.SizeBytes, info.Length)
                .SetProperty(i => i.ModifiedTicks, mtime).SetProperty(i => i.DocumentId, target), ct);
            queued.Add(target);
            counts.Changed++;
            return target; // the old document, if no longer pointed at, goes with the orphans at the end
        }

        if (goneByHash.TryGetValue(hash, out var candidates) && candidates.Count > 0)
        {
            // The same bytes whose old path is gone: a rename or move. No bytes are read again, nothing is re-embedded.
            var moved = candidates.Dequeue();
            await db.SourceItems.Where(i => i.Id == moved.Id).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.Path, relative).SetProperty(i => i.SizeBytes, info.Length).SetProperty(i => i.ModifiedTicks, mtime), ct);
            await documents.RenameAsync(moved.DocumentId, name, Operator, ct);
            counts.Renamed++;
            return moved.DocumentId;
        }

        UploadResult uploaded;
        await using (var stream = OpenShared(info.FullName))
            uploaded = await documents.UploadAsync(source.CollectionId, name, stream, Operator, source.Id, ct);
        db.SourceItems.Add(new SourceItem
        {
            SourceId = source.Id, Path = relative, DocumentId = uploaded.Document.Id, ContentHash = hash, SizeBytes = info.Length, ModifiedTicks = mtime,
        });
        await db.SaveChangesAsync(ct);
        queued.Add(uploaded.Document.Id);
        counts.Added++;
        return uploaded.Document.Id;
    }

    private static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.SequentialScan);

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = OpenShared(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private static bool Same(DocumentAccessRule? a, DocumentAccessRule? b) =>
        a is null ? b is null : b is not null && a.Users.SequenceEqual(b.Users, StringComparer.Ordinal) && a.Groups.SequenceEqual(b.Groups, StringComparer.Ordinal);

    public static List<Glob> Patterns(string? lines) =>
        (lines ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => new Glob(p)).ToList();

    private sealed class Counts
    {
        public int Seen, Added, Changed, Renamed, Removed, Unchanged, Failed, AccessChanged;
    }
}
