using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Pipeline;

namespace PrivateRag.Ingest.Tests.Support;

/// <summary>The real Core and ingestion services (no background workers) on a temporary data folder.</summary>
public sealed class IngestTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly bool _ownsData;

    private IngestTestHost(string dataPath, ServiceProvider provider, bool ownsData)
    {
        DataPath = dataPath;
        _provider = provider;
        _ownsData = ownsData;
    }

    public string DataPath { get; }

    public static AccessContext Admin { get; } = new("admin", "admin", IsAdmin: true, new HashSet<string>());

    public static string NewDataPath() => Path.Combine(Path.GetTempPath(), "privaterag-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Starts on <paramref name="dataPath"/> (kept on dispose) or on a new folder (deleted on dispose).</summary>
    public static async Task<IngestTestHost> StartAsync(Action<IDictionary<string, string?>>? configure = null, string? dataPath = null)
    {
        var owns = dataPath is null;
        dataPath ??= NewDataPath();
        var settings = new Dictionary<string, string?>
        {
            ["PrivateRag:DataPath"] = dataPath,
            ["Ingestion:Isolation"] = "InProcess",
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddPrivateRagCore(configuration).AddPrivateRagIngestion(configuration, runWorkers: false);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<StoreMigrator>().MigrateAsync();
        return new IngestTestHost(dataPath, provider, owns);
    }

    /// <summary>The same services on a fresh database of the PostgreSQL server named by PRIVATERAG_TEST_POSTGRES.</summary>
    public static Task<IngestTestHost> StartPostgreSqlAsync()
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(PrivateRag.Tests.PostgreSql.ConnectionString!) { Database = "privaterag_test_" + Guid.NewGuid().ToString("N")[..12] };
        return StartAsync(s =>
        {
            s["Store:Provider"] = "PostgreSql";
            s["Store:ConnectionString"] = database.ConnectionString;
        });
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public async Task<Guid> CreateCollectionAsync(string name = "c") =>
        (await Get<CollectionService>().CreateAsync(new CreateCollection(name))).Id;

    public async Task<Guid> UploadAsync(Guid collectionId, string path, string? name = null)
    {
        await using var stream = File.OpenRead(path);
        return (await Get<DocumentService>().UploadAsync(collectionId, name ?? Path.GetFileName(path), stream, Admin)).Document.Id;
    }

    public async Task<Guid> UploadAsync(Guid collectionId, string name, byte[] content)
    {
        using var stream = new MemoryStream(content);
        return (await Get<DocumentService>().UploadAsync(collectionId, name, stream, Admin)).Document.Id;
    }

    /// <summary>Runs the pipeline in this process until the queue has nothing ready.</summary>
    public async Task DrainAsync(string workerId = "test")
    {
        var pipeline = Get<IngestionPipeline>();
        while (await pipeline.ProcessNextAsync(workerId, CancellationToken.None)) { }
    }

    public async Task<Document> DocumentAsync(Guid id)
    {
        await using var db = await Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        return await db.Documents.AsNoTracking().FirstAsync(d => d.Id == id);
    }

    public async Task<List<Document>> DocumentsAsync()
    {
        await using var db = await Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        return await db.Documents.AsNoTracking().ToListAsync();
    }

    /// <summary>Every chunk of the collection as (document name, id suffix, page span, text), sorted: comparable across data folders.</summary>
    public async Task<List<string>> ChunkFingerprintsAsync(Guid collectionId)
    {
        var index = Get<IChunkIndex>();
        var result = new List<string>();
        foreach (var doc in await DocumentsAsync())
        {
            foreach (var c in await index.GetDocumentChunksAsync(doc.Id, IndexFilter.For(collectionId)))
                result.Add($"{c.DocumentName}#{c.Ordinal}:{c.PageStart}-{c.PageEnd}:{c.CharStart}-{c.CharEnd}:{c.Text}");
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsData) return;
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
