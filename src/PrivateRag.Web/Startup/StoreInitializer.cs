using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Web.Startup;

/// <summary>
/// Runs before the app takes requests: applies store migrations and provisions the bootstrap admin key
/// (<c>PRIVATERAG_BOOTSTRAP_ADMIN_KEY</c>) once, so scripts can start from nothing.
/// </summary>
public sealed class StoreInitializer(
    StoreMigrator migrator, AccountService accounts, EmbeddingDimensionCheck dimensions, IConfiguration configuration, ILogger<StoreInitializer> logger) : IHostedService
{
    public const string BootstrapKeyVariable = "PRIVATERAG_BOOTSTRAP_ADMIN_KEY";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        await dimensions.CheckAsync(cancellationToken);
        var key = configuration[BootstrapKeyVariable];
        if (!string.IsNullOrWhiteSpace(key))
        {
            if (key.Length < 16) throw new InvalidOperationException($"{BootstrapKeyVariable} must be at least 16 characters long.");
            await accounts.EnsureApiKeyAsync("bootstrap admin", key.Trim(), cancellationToken);
            logger.LogInformation("Bootstrap admin API key is provisioned");
        }
        if (!await accounts.AnyUsersAsync(cancellationToken))
            logger.LogWarning("No local account exists yet. Create the first administrator with: privaterag users add NAME --role admin --password PASSWORD");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
