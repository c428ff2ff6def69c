using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Pipeline;

/// <summary>The ingestion queue on a real PostgreSQL server: leasing with FOR UPDATE SKIP LOCKED.</summary>
public sealed class PostgreSqlQueueTests
{
    [PostgreSqlFact]
    public async Task Several_workers_drain_one_queue_and_no_job_is_processed_twice()
    {
        await using var host = await IngestTestHost.StartPostgreSqlAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        const int jobs = 120;
        for (var i = 0; i < jobs; i++)
            await documents.UploadAsync(collection.Id, $"{i}.txt", new MemoryStream(Encoding.UTF8.GetBytes($"document number {i}")), IngestTestHost.Admin);

        var queue = host.Get<IngestionQueue>();
        var processed = new ConcurrentBag<(Guid Job, string Worker)>();
        // Every worker holds its first lease until all eight hold one: eight leases at once, all different jobs, and
        // the work provably shared, however the thread pool schedules the workers.
        const int workers = 8;
        using var allLeased = new CountdownEvent(workers);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var first = true;
            while (await queue.TryLeaseAsync($"worker-{w}", TimeSpan.FromMinutes(1)) is { } lease)
            {
                processed.Add((lease.JobId, lease.WorkerId));
                if (first)
                {
                    first = false;
                    allLeased.Signal();
                    await Task.Run(() => allLeased.Wait(TimeSpan.FromMinutes(1)));
                }
                await queue.CompleteAsync(lease);
            }
        }))).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(allLeased.IsSet, "eight workers never held a lease at the same time");
        Assert.Equal(jobs, processed.Count);
        Assert.Equal(jobs, processed.Select(p => p.Job).Distinct().Count());
        Assert.Equal(workers, processed.Select(p => p.Worker).Distinct().Count());
        Assert.Equal(0, await queue.PendingCountAsync());
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        await DropAsync(db);
    }

    [PostgreSqlFact]
    public async Task An_expired_lease_is_taken_over()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1));
        await using var host = await IngestTestHost.StartPostgreSqlAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        await host.Get<DocumentService>().UploadAsync(collection.Id, "a.txt", new MemoryStream([65]), IngestTestHost.Admin);
        var queue = new IngestionQueue(host.Get<IDbContextFactory<PrivateRagDbContext>>(), clock);
        var first = await queue.TryLeaseAsync("crashed", TimeSpan.FromMinutes(1));
        Assert.NotNull(first);
        Assert.Null(await queue.TryLeaseAsync("other", TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromMinutes(2));
        var second = await queue.TryLeaseAsync("other", TimeSpan.FromMinutes(1));
        Assert.Equal(first!.JobId, second!.JobId);
        Assert.Equal(2, second.Attempt);
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        await DropAsync(db);
    }

    private static async Task DropAsync(PrivateRagDbContext db)
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await db.Database.EnsureDeletedAsync();
    }
}
