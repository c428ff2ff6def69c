using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Core.Storage;

/// <summary>Applies migrations at start, so a fresh data folder needs no manual step.</summary>
public sealed class StoreMigrator(IDbContextFactory<PrivateRagDbContext> factory, ILogger<StoreMigrator> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public bool IsMigrated => _done;

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        if (_done) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (_done) return;
            await using var db = await factory.CreateDbContextAsync(ct);
            if (db.Database.IsSqlite())
            {
                var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
                var folder = Path.GetDirectoryName(Path.GetFullPath(file));
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0) logger.LogInformation("Applying {Count} store migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                // WAL lets readers and one writer (app and CLI) work on the file at the same time; it persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
