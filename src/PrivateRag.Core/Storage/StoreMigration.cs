using PrivateRag.Core.Operations;

namespace PrivateRag.Core.Storage;

/// <summary>Applies pending store migrations when a host starts, so a fresh data folder needs no manual step.</summary>
internal sealed class StoreMigration(StoreMigrator migrator) : IStartupTask
{
    public Task RunAsync(CancellationToken ct) => migrator.MigrateAsync(ct);
}
