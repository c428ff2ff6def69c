using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;
using PrivateRag.Tests;

namespace PrivateRag.Core.Tests.Support;

/// <summary>The real Core services on a fresh temporary data folder (SQLite store, blobs, embedded index).</summary>
public sealed class CoreTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public string DataPath { get; }

    public IServiceProvider Services => _provider;

    private CoreTestHost(string dataPath, ServiceProvider provider)
    {
        DataPath = dataPath;
        _provider = provider;
    }

    public static async Task<CoreTestHost> StartAsync(IChatClient? chat = null, Action<IDictionary<string, string?>>? configure = null)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "privaterag-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["PrivateRag:DataPath"] = dataPath };
        return await StartAsync(dataPath, settings, chat, configure);
    }

    /// <summary>The same services on a fresh database of the PostgreSQL server named by PRIVATERAG_TEST_POSTGRES.</summary>
    public static async Task<CoreTestHost> StartPostgreSqlAsync(Action<IDictionary<string, string?>>? configure = null)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "privaterag-tests", Guid.NewGuid().ToString("N"));
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgreSql.ConnectionString!) { Database = "privaterag_test_" + Guid.NewGuid().ToString("N")[..12] };
        var settings = new Dictionary<string, string?>
        {
            ["PrivateRag:DataPath"] = dataPath,
            ["Store:Provider"] = "PostgreSql",
            ["Store:ConnectionString"] = builder.ConnectionString,
        };
        return await StartAsync(dataPath, settings, null, configure);
    }

    private static async Task<CoreTestHost> StartAsync(string dataPath, Dictionary<string, string?> settings, IChatClient? chat, Action<IDictionary<string, string?>>? configure)
    {
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddPrivateRagCore(configuration);
        if (chat is not null) services.Replace(ServiceDescriptor.Singleton(new ModelCapabilities(chat: chat)));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<StoreMigrator>().MigrateAsync();
        return new CoreTestHost(dataPath, provider);
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static AccessContext User(string name, params string[] groups) => new(name, name, IsAdmin: false, groups.ToHashSet());

    public static AccessContext Admin { get; } = new("admin", "admin", IsAdmin: true, new HashSet<string>());

    /// <summary>Puts passages straight into the index for a document row, as the pipeline would.</summary>
    public async Task<Guid> AddIndexedDocumentAsync(Guid collectionId, string name, params (int Page, string Text)[] pages)
    {
        var factory = Get<Microsoft.EntityFrameworkCore.IDbContextFactory<PrivateRagDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var doc = new Document
        {
            CollectionId = collectionId, Name = name, ContentHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            MediaType = "text/plain", Status = DocumentStatus.Indexed, Pages = pages.Length, Chunks = pages.Length,
        };
        db.Documents.Add(doc);
        await db.SaveChangesAsync();
        var offset = 0;
        var chunks = pages.Select((p, i) =>
        {
            var chunk = new IndexedChunk(IndexedChunk.MakeId(doc.Id, i), doc.Id, collectionId, name, i, p.Page, p.Page, null, offset, offset + p.Text.Length, p.Text);
            offset += p.Text.Length + 2;
            return chunk;
        }).ToList();
        await Get<IChunkIndex>().ReplaceDocumentAsync(doc.Id, chunks);
        return doc.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
