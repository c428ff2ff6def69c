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

public sealed class IngestionQueueTests
{
    [Fact]
    public async Task Concurrent_workers_never_lease_the_same_job()
    {
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        for (var i = 0; i < 30; i++)
            await documents.UploadAsync(collection.Id, $"{i}.txt", new MemoryStream(Encoding.UTF8.GetBytes($"document {i}")), IngestTestHost.Admin);

        var queue = host.Get<IngestionQueue>();
        var leased = new ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            while (await queue.TryLeaseAsync($"w{w}", TimeSpan.FromMinutes(1)) is { } lease)
            {
                leased.Add(lease.JobId);
                await queue.CompleteAsync(lease);
            }
        })));
        Assert.Equal(30, leased.Count);
        Assert.Equal(30, leased.Distinct().Count());
        Assert.Equal(0, await queue.PendingCountAsync());
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_holder_can_no_longer_finish_it()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1)); // after the upload's own timestamp
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        await host.Get<DocumentService>().UploadAsync(collection.Id, "a.txt", new MemoryStream([65, 66]), IngestTestHost.Admin);
        var queue = new IngestionQueue(host.Get<IDbContextFactory<PrivateRagDbContext>>(), clock);

        var crashed = await queue.TryLeaseAsync("crashed", TimeSpan.FromMinutes(1));
        Assert.NotNull(crashed);
        Assert.Null(await queue.TryLeaseAsync("other", TimeSpan.FromMinutes(1)));

        clock.Advance(TimeSpan.FromMinutes(2));
        var takeover = await queue.TryLeaseAsync("other", TimeSpan.FromMinutes(1));
        Assert.NotNull(takeover);
        Assert.Equal(crashed!.JobId, takeover!.JobId);
        Assert.Equal(2, takeover.Attempt);
        Assert.False(await queue.RenewAsync(crashed, TimeSpan.FromMinutes(1)));
        Assert.True(await queue.RenewAsync(takeover, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_job_given_back_for_retry_waits_for_its_delay()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(1)); // after the upload's own timestamp
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        await host.Get<DocumentService>().UploadAsync(collection.Id, "a.txt", new MemoryStream([65]), IngestTestHost.Admin);
        var queue = new IngestionQueue(host.Get<IDbContextFactory<PrivateRagDbContext>>(), clock);
        var lease = (await queue.TryLeaseAsync("w", TimeSpan.FromMinutes(1)))!;
        await queue.RetryLaterAsync(lease, "transient", TimeSpan.FromSeconds(30));
        Assert.Null(await queue.TryLeaseAsync("w", TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull(await queue.TryLeaseAsync("w", TimeSpan.FromMinutes(1)));
    }
}
