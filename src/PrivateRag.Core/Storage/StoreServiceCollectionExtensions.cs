using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Options;

namespace PrivateRag.Core.Storage;

public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddPrivateRagStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddDbContextFactory<PrivateRagDbContext>((sp, db) =>
        {
            var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            switch (store.Provider)
            {
                case StoreProvider.Sqlite:
                    var data = sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value;
                    db.UseSqlite(store.ConnectionString ?? SqliteConnectionStringFor(data.FullDataPath));
                    break;
                default:
                    throw new NotSupportedException($"Store:Provider '{store.Provider}' is not available in this build.");
            }
        });
        services.AddSingleton<StoreMigrator>();
        return services;
    }

    public static string SqliteConnectionStringFor(string dataPath) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataPath, "privaterag.db"),
        // Another process (the CLI) may write while the app runs: wait for its lock instead of failing.
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
