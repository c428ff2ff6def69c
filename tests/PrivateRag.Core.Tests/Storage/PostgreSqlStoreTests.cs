using System.Text;
using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Core.Tests.Storage;

/// <summary>The scale-out store on a real PostgreSQL server: migrations and the same services (leasing with SKIP LOCKED: PrivateRag.Ingest.Tests).</summary>
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

    [PostgreSqlFact]
    public async Task Session_versions_lockout_and_disabling_work_the_same()
    {
        await using var host = await CoreTestHost.StartPostgreSqlAsync(c => c["SignIn:FreeFailures"] = "2");
        var accounts = host.Get<AccountService>();
        var alice = await accounts.AddOrUpdateUserAsync("alice", "user", ["hr"], "password123");
        Assert.NotNull(await accounts.ResolveSessionAsync("alice", alice.SessionVersion));

        var ended = await accounts.SignOutEverywhereAsync("alice");
        Assert.Equal(alice.SessionVersion + 1, ended.SessionVersion);
        Assert.Null(await accounts.ResolveSessionAsync("alice", alice.SessionVersion));
        Assert.NotNull(await accounts.ResolveSessionAsync("alice", ended.SessionVersion));

        Assert.Null(await accounts.VerifyPasswordAsync("alice", "wrong-1"));
        Assert.Null(await accounts.VerifyPasswordAsync("alice", "wrong-2"));
        Assert.Null(await accounts.VerifyPasswordAsync("alice", "password123")); // locked
        Assert.NotNull((await accounts.FindUserAsync("alice"))!.LockedUntil);
        await accounts.ApplyAsync(CoreTestHost.Admin, "alice", AccountAction.Unlock);
        Assert.NotNull(await accounts.VerifyPasswordAsync("alice", "password123"));

        await accounts.ApplyAsync(CoreTestHost.Admin, "alice", AccountAction.Disable);
        Assert.Null(await accounts.VerifyPasswordAsync("alice", "password123"));
        Assert.Null(await accounts.ResolveUserAsync("alice"));

        Assert.Equal(0, await accounts.ExternalSessionVersionAsync("entra:00000000-0000-0000-0000-000000000001"));
        await accounts.EndExternalSessionsAsync("entra:00000000-0000-0000-0000-000000000001");
        Assert.Equal(1, await accounts.ExternalSessionVersionAsync("entra:00000000-0000-0000-0000-000000000001"));
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        await DropAsync(db);
    }

    private static async Task DropAsync(PrivateRagDbContext db)
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await db.Database.EnsureDeletedAsync();
    }
}
