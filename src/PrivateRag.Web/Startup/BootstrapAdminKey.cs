using PrivateRag.Core.Identity;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;

namespace PrivateRag.Web.Startup;

/// <summary>
/// At start, provisions the bootstrap admin key (<c>PRIVATERAG_BOOTSTRAP_ADMIN_KEY</c>) once, so scripts can start from
/// nothing, and says how to create the first administrator when there is no account yet.
/// </summary>
public sealed class BootstrapAdminKey(StoreMigrator migrator, AccountService accounts, IConfiguration configuration, ILogger<BootstrapAdminKey> logger) : IStartupTask
{
    public const string BootstrapKeyVariable = "PRIVATERAG_BOOTSTRAP_ADMIN_KEY";

    public async Task RunAsync(CancellationToken ct)
    {
        // Whichever start-up task runs first migrates; this one needs the accounts tables.
        await migrator.MigrateAsync(ct);
        var key = configuration[BootstrapKeyVariable];
        if (!string.IsNullOrWhiteSpace(key))
        {
            if (key.Length < 16) throw new InvalidOperationException($"{BootstrapKeyVariable} must be at least 16 characters long.");
            await accounts.EnsureApiKeyAsync("bootstrap admin", key.Trim(), ct);
            logger.LogInformation("Bootstrap admin API key is provisioned");
        }
        if (!await accounts.AnyUsersAsync(ct))
            logger.LogWarning("No local account exists yet. Create the first administrator with: privaterag users add NAME --role admin --password PASSWORD");
    }
}
