using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Chat;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Ingestion;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Documents;
using PrivateRag.Core.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Core.Tests.Storage;

/// <summary>The scale-out store on a real PostgreSQL server: migrations, leasing with SKIP LOCKED, the same services.</summary>
public sealed class PostgreSqlStoreTests
{
    [PostgreSqlFact]
    public async Task Migrations_create_the_schema_and_match_the_model()
    {
        await using var host = await CoreTestHost.StartPostgreSqlAsync();
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        Assert.IsType<PostgreSqlStoreContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "Run 'dotnet ef migrations add --context PostgreSqlStoreContext'.");
        await DropAsync(db);
    }

    [PostgreSqlFact]
    public async Task Several_workers_drain_one_queue_and_no_job_is_processed_twice()
    {
        await using var host = await CoreTestHost.StartPostgreSqlAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        var documents = host.Get<DocumentService>();
        const int jobs = 120;
        for (var i = 0; i < jobs; i++)
            await documents.UploadAsync(collection.Id, $"{i}.txt", new MemoryStream(Encoding.UTF8.GetBytes($"document number {i}")), CoreTestHost.Admin);

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
        await using var host = await CoreTestHost.StartPostgreSqlAsync();
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("c"));
        await host.Get<DocumentService>().UploadAsync(collection.Id, "a.txt", new MemoryStream([65]), CoreTestHost.Admin);
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

    [PostgreSqlFact]
    public async Task Uploads_accounts_access_and_conversations_work_the_same()
    {
        await using var host = await CoreTestHost.StartPostgreSqlAsync();
        var collections = host.Get<CollectionService>();
        var hr = await collections.CreateAsync(new CreateCollection("hr", Access: new CollectionAccessRule(Groups: ["hr"])));
        var documents = host.Get<DocumentService>();
        var a = await documents.UploadAsync(hr.Id, "a.txt", new MemoryStream(Encoding.UTF8.GetBytes("same")), CoreTestHost.Admin);
        var b = await documents.UploadAsync(hr.Id, "b.txt", new MemoryStream(Encoding.UTF8.GetBytes("same")), CoreTestHost.Admin);
        Assert.Equal(a.Document.Id, b.Document.Id);
        Assert.Empty(await collections.ListReadableAsync(CoreTestHost.User("bob", "eng")));
        Assert.Single(await collections.ListReadableAsync(CoreTestHost.User("alice", "hr")));

        var accounts = host.Get<AccountService>();
        await accounts.AddOrUpdateUserAsync("alice", "user", ["hr"], "password123");
        Assert.NotNull(await accounts.VerifyPasswordAsync("alice", "password123"));

        await host.AddIndexedDocumentAsync(hr.Id, "policy.txt", (2, "Parental leave is sixteen weeks at full pay."));
        var answer = await host.Get<ChatService>().AskAsync(new ChatRequest("parental leave weeks"), CoreTestHost.User("alice", "hr"));
        Assert.Contains(answer.Citations, c => c.DocumentName == "policy.txt" && c.Page == 2);
        var listed = await host.Get<ConversationService>().ListAsync(CoreTestHost.User("alice", "hr"));
        Assert.Single(listed);
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        await DropAsync(db);
    }

    private static async Task DropAsync(PrivateRagDbContext db)
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await db.Database.EnsureDeletedAsync();
    }
}
