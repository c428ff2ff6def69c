using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Configuration;

namespace PrivateRag.Core.Storage;

public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddPrivateRagStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        switch (configuration.GetValidated<StoreOptions>(StoreOptions.Section).Provider)
        {
            case StoreProvider.Sqlite:
                services.AddDbContextFactory<SqliteStoreContext>((sp, db) =>
                {
                    var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
                    var data = sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value;
                    db.UseSqlite(store.ConnectionString ?? SqliteConnectionStringFor(data.Folder));
                });
                services.AddSingleton<IDbContextFactory<PrivateRagDbContext>, StoreContextFactory<SqliteStoreContext>>();
                break;
            case StoreProvider.PostgreSql:
                services.AddDbContextFactory<PostgreSqlStoreContext>((sp, db) =>
                    db.UseNpgsql(sp.GetRequiredService<IOptions<StoreOptions>>().Value.ConnectionString));
                services.AddSingleton<IDbContextFactory<PrivateRagDbContext>, StoreContextFactory<PostgreSqlStoreContext>>();
                break;
        }
        services.AddSingleton<StoreMigrator>();
        services.AddSingleton<PrivateRag.Core.Operations.IStartupTask, StoreMigration>();
        return services;
    }

    public static string SqliteConnectionStringFor(DataFolder folder) => new SqliteConnectionStringBuilder
    {
        DataSource = folder.StoreDatabase,
        // Another process (the CLI) may write while the app runs: wait for its lock instead of failing.
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>Hands out the provider's context as the common <see cref="PrivateRagDbContext"/>.</summary>
    private sealed class StoreContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PrivateRagDbContext>
        where TContext : PrivateRagDbContext
    {
        public PrivateRagDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
