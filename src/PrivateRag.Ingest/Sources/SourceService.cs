using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Sources;
using PrivateRag.Core.Storage;

namespace PrivateRag.Ingest.Sources;

/// <summary>A new folder source. <see cref="IntervalMinutes"/> 0: synced only on demand.</summary>
public sealed record AddFolderSource(
    Guid CollectionId, string Path, IReadOnlyList<string>? Include = null, IReadOnlyList<string>? Exclude = null,
    long? MaxFileBytes = null, int IntervalMinutes = 60);

/// <summary>
/// Adding, listing and running sources. A run claims its source first (one run per source at a time, across
/// processes), records progress and figures on the source's row as it goes, and sets the next scheduled run.
/// </summary>
public sealed class SourceService(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    FolderSync folders,
    IOptions<SourcesOptions> options,
    TimeProvider clock,
    ILogger<SourceService> logger)
{
    /// <param name="fromApi">True for the HTTP API: the folder must lie under <c>Sources:AllowedRoots</c>.</param>
    public async Task<Source> AddFolderAsync(AddFolderSource request, AccessContext who, bool fromApi, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can add sources.");
        if (string.IsNullOrWhiteSpace(request.Path)) throw new InvalidRequestException("'path' is required.");
        var path = Path.GetFullPath(request.Path.Trim());
        if (fromApi && !options.Value.AllowedRoots.Any(root => IsUnder(path, root)))
            throw new InvalidRequestException(options.Value.AllowedRoots.Count == 0
                ? "Folder sources cannot be added over the API until Sources:AllowedRoots names the folders they may read; the CLI (privaterag sources add folder) can add any folder."
                : $"'{path}' is not under one of Sources:AllowedRoots ({string.Join(", ", options.Value.AllowedRoots)}).");
        if (!Directory.Exists(path)) throw new InvalidRequestException($"The folder '{path}' does not exist or cannot be read.");
        if (request.IntervalMinutes is < 0 or > 7 * 24 * 60) throw new InvalidRequestException("'intervalMinutes' must be between 0 (on demand only) and 10080 (a week).");
        if (request.MaxFileBytes is <= 0) throw new InvalidRequestException("'maxFileBytes' must be positive.");
        foreach (var pattern in (request.Include ?? []).Concat(request.Exclude ?? [])) _ = new Glob(pattern);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Collections.AnyAsync(c => c.Id == request.CollectionId, ct)) throw new NotFoundException($"Collection {request.CollectionId} was not found.");
        var now = clock.GetUtcNow();
        var source = new Source
        {
            CollectionId = request.CollectionId,
            Location = path,
            Include = Lines(request.Include),
            Exclude = Lines(request.Exclude),
            MaxFileBytes = request.MaxFileBytes ?? options.Value.DefaultMaxFileBytes,
            IntervalMinutes = request.IntervalMinutes,
            CreatedAt = now,
            NextRunAt = request.IntervalMinutes > 0 ? now : null,
        };
        db.Sources.Add(source);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Folder source {SourceId} added to collection {CollectionId}", source.Id, source.CollectionId);
        return source;
    }

    public async Task<IReadOnlyList<Source>> ListAsync(Guid collectionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Sources.AsNoTracking().Where(s => s.CollectionId == collectionId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
    }

    public async Task<Source?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>Sources whose scheduled run is due.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Sources.Where(s => s.IntervalMinutes > 0 && s.NextRunAt != null && s.NextRunAt <= now).Select(s => s.Id).ToListAsync(ct);
    }

    /// <summary>Runs one source now. Throws <see cref="ConflictException"/> when a run of it is already under way elsewhere.</summary>
    public async Task<SyncResult> SyncAsync(Guid id, Func<SyncProgress, Task>? progress = null, CancellationToken ct = default)
    {
        var owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
        var source = await ClaimAsync(id, owner, ct);
        try
        {
            var result = await folders.RunAsync(source, async p =>
            {
                await RecordProgressAsync(id, owner, p, ct);
                if (progress is not null) await progress(p);
            }, ct);
            await FinishAsync(id, owner, result, error: null, CancellationToken.None);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FinishAsync(id, owner, null, e.Message, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync(id, owner);
            throw;
        }
    }

    /// <summary>Every source of a collection, one after another.</summary>
    public async Task<SyncResult> SyncCollectionAsync(Guid collectionId, Func<SyncProgress, Task>? progress = null, CancellationToken ct = default)
    {
        var runs = new List<SyncResult>();
        foreach (var source in await ListAsync(collectionId, ct)) runs.Add(await SyncAsync(source.Id, progress, ct));
        return SyncResult.Sum(runs);
    }

    private async Task<Source> ClaimAsync(Guid id, string owner, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var until = now + options.Value.LeaseDuration;
        var claimed = await db.Sources.Where(s => s.Id == id && (s.LeasedBy == null || s.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeasedBy, owner).SetProperty(s => s.LeaseExpiresAt, until), ct);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException($"Source {id} was not found.");
        if (claimed == 0)
        {
            // A claim by a process of this machine that no longer runs (killed mid-sync) is taken over at once.
            if (source.LeasedBy is { } holder && IsDeadLocalProcess(holder))
            {
                claimed = await db.Sources.Where(s => s.Id == id && s.LeasedBy == holder)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeasedBy, owner).SetProperty(s => s.LeaseExpiresAt, until), ct);
                if (claimed == 1) logger.LogWarning("Source {SourceId}: the run of a process that has ended ({Holder}) is resumed", id, holder);
            }
            if (claimed == 0) throw new ConflictException($"Source {id} is being synced already (by {source.LeasedBy}).");
        }
        await db.Sources.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.State, SourceState.Running).SetProperty(s => s.LastRunStartedAt, now)
            .SetProperty(s => s.ProgressDone, 0).SetProperty(s => s.ProgressTotal, 0).SetProperty(s => s.LastError, (string?)null), ct);
        return source;
    }

    private async Task RecordProgressAsync(Guid id, string owner, SyncProgress p, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var until = clock.GetUtcNow() + options.Value.LeaseDuration;
        var renewed = await db.Sources.Where(s => s.Id == id && s.LeasedBy == owner).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.ProgressDone, p.Done).SetProperty(s => s.ProgressTotal, p.Total).SetProperty(s => s.LeaseExpiresAt, until), ct);
        if (renewed == 0) throw new ConflictException($"Source {id}: this run lost its claim (it ran past Sources:LeaseDuration without renewing).");
    }

    private async Task FinishAsync(Guid id, string owner, SyncResult? result, string? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == id && s.LeasedBy == owner, ct);
        if (source is null) return;
        var now = clock.GetUtcNow();
        source.LastRunFinishedAt = now;
        source.NextRunAt = source.IntervalMinutes > 0 ? now.AddMinutes(source.IntervalMinutes) : null;
        source.LeasedBy = null;
        source.LeaseExpiresAt = null;
        source.State = error is null ? SourceState.Idle : SourceState.Failed;
        source.LastError = error is null ? null : error.Length > 4000 ? error[..4000] : error;
        if (result is not null)
        {
            (source.Seen, source.Added, source.Changed, source.Renamed, source.Removed, source.Unchanged, source.Failed) =
                (result.Seen, result.Added, result.Changed, result.Renamed, result.Removed, result.Unchanged, result.Failed);
            if (result.Failures.Count > 0)
                source.LastError = string.Join("\n", result.Failures.Take(20).Select(f => $"{f.Path}: {f.Error}"));
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task ReleaseAsync(Guid id, string owner)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Sources.Where(s => s.Id == id && s.LeasedBy == owner).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.LeasedBy, (string?)null).SetProperty(s => s.LeaseExpiresAt, (DateTimeOffset?)null).SetProperty(s => s.State, SourceState.Idle));
    }

    private static bool IsDeadLocalProcess(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }

    private static bool IsUnder(string path, string root)
    {
        var full = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return (path.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).StartsWith(full, StringComparison.Ordinal);
    }

    private static string? Lines(IReadOnlyList<string>? patterns) =>
        patterns is { Count: > 0 } ? string.Join('\n', patterns.Select(p => p.Trim()).Where(p => p.Length > 0)) : null;
}
