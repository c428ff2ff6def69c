using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Ingest.Pipeline;

/// <summary>A leased job: the worker owns it until <see cref="LeaseExpiresAt"/>; after that another worker may take it.</summary>
public sealed record JobLease(Guid JobId, Guid DocumentId, int Attempt, string WorkerId, DateTimeOffset LeaseExpiresAt);

/// <summary>
/// The ingestion queue in the metadata store. A lease is taken with one conditional UPDATE, so two workers can never
/// hold the same job; a crashed worker's lease expires and the job is picked up again.
/// </summary>
public sealed class IngestionQueue(IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock)
{
    public async Task<JobLease?> TryLeaseAsync(string workerId, TimeSpan duration, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (db.Database.IsNpgsql()) return await LeaseSkipLockedAsync(db, workerId, duration, ct);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock.GetUtcNow();
            var candidates = await db.IngestionJobs.AsNoTracking()
                .Where(j => (j.State == JobState.Pending && j.AvailableAt <= now) || (j.State == JobState.Leased && j.LeaseExpiresAt < now))
                .OrderBy(j => j.AvailableAt)
                .Select(j => new { j.Id, j.DocumentId, j.Attempts })
                .Take(5)
                .ToListAsync(ct);
            if (candidates.Count == 0) return null;
            foreach (var c in candidates)
            {
                var expires = now + duration;
                // Conditional on the state we saw: if another worker leased it meanwhile, zero rows change.
                var taken = await db.IngestionJobs
                    .Where(j => j.Id == c.Id && ((j.State == JobState.Pending && j.AvailableAt <= now) || (j.State == JobState.Leased && j.LeaseExpiresAt < now)))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.State, JobState.Leased)
                        .SetProperty(j => j.LeasedBy, workerId)
                        .SetProperty(j => j.LeaseExpiresAt, expires)
                        .SetProperty(j => j.Attempts, j => j.Attempts + 1), ct);
                if (taken == 1) return new JobLease(c.Id, c.DocumentId, c.Attempts + 1, workerId, expires);
            }
        }
        return null;
    }

    /// <summary>
    /// PostgreSQL: one statement picks the oldest available job and locks it, skipping rows other workers have
    /// locked, so many workers drain the queue without waiting on each other or taking the same job.
    /// </summary>
    private async Task<JobLease?> LeaseSkipLockedAsync(PrivateRagDbContext db, string workerId, TimeSpan duration, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expires = now + duration;
        var rows = await db.Database.SqlQuery<LeasedRow>($"""
            UPDATE "IngestionJobs" SET "State" = 'Leased', "LeasedBy" = {workerId}, "LeaseExpiresAt" = {expires}, "Attempts" = "Attempts" + 1
            WHERE "Id" = (
                SELECT "Id" FROM "IngestionJobs"
                WHERE ("State" = 'Pending' AND "AvailableAt" <= {now}) OR ("State" = 'Leased' AND "LeaseExpiresAt" < {now})
                ORDER BY "AvailableAt"
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id", "DocumentId", "Attempts"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : new JobLease(rows[0].Id, rows[0].DocumentId, rows[0].Attempts, workerId, expires);
    }

    private sealed class LeasedRow
    {
        public Guid Id { get; set; }
        public Guid DocumentId { get; set; }
        public int Attempts { get; set; }
    }

    /// <summary>Extends a lease the worker still holds; false when it was lost (expired and taken by another worker).</summary>
    public async Task<bool> RenewAsync(JobLease lease, TimeSpan duration, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var expires = clock.GetUtcNow() + duration;
        return await db.IngestionJobs
            .Where(j => j.Id == lease.JobId && j.State == JobState.Leased && j.LeasedBy == lease.WorkerId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, expires), ct) == 1;
    }

    public Task CompleteAsync(JobLease lease, CancellationToken ct = default) => FinishAsync(lease, JobState.Done, null, null, ct);

    public Task FailAsync(JobLease lease, string error, CancellationToken ct = default) => FinishAsync(lease, JobState.Failed, error, null, ct);

    /// <summary>Gives the job back to the queue to try again after <paramref name="delay"/>.</summary>
    public Task RetryLaterAsync(JobLease lease, string error, TimeSpan delay, CancellationToken ct = default) =>
        FinishAsync(lease, JobState.Pending, error, clock.GetUtcNow() + delay, ct);

    public async Task<int> PendingCountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IngestionJobs.CountAsync(j => j.State == JobState.Pending || j.State == JobState.Leased, ct);
    }

    private async Task FinishAsync(JobLease lease, JobState state, string? error, DateTimeOffset? availableAt, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.IngestionJobs
            .Where(j => j.Id == lease.JobId && j.LeasedBy == lease.WorkerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, state)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.AvailableAt, availableAt ?? now), ct);
    }
}
