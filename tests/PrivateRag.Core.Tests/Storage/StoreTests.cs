using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Storage;

public sealed class StoreTests
{
    [Fact]
    public async Task A_fresh_data_folder_is_migrated_to_the_latest_schema()
    {
        await using var host = await CoreTestHost.StartAsync();
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.True(File.Exists(Path.Combine(host.DataPath, "privaterag.db")));
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var host = await CoreTestHost.StartAsync();
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        Assert.False(db.Database.HasPendingModelChanges(), "Run 'dotnet ef migrations add' for the model change.");
    }

    [Fact]
    public async Task The_store_uses_write_ahead_logging_so_the_cli_and_app_can_share_it()
    {
        await using var host = await CoreTestHost.StartAsync();
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
