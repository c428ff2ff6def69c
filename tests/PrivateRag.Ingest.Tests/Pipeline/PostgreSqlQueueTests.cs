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
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (await queue.TryLeaseAsync($"worker-{w}", TimeSpan.FromMinutes(1)) is { } lease)
            {
                processed.Add((lease.JobId, lease.WorkerId));
                await Task.Delay(2); // hold the lease briefly, as real work would
                await queue.CompleteAsync(lease);
            }
        })));

        Assert.Equal(jobs, processed.Count);
        Assert.Equal(jobs, processed.Select(p => p.Job).Distinct().Count());
        Assert.True(processed.Select(p => p.Worker).Distinct().Count() > 1, "the work was shared between workers");
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
