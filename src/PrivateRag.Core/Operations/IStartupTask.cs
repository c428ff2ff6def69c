namespace PrivateRag.Core.Operations;

/// <summary>
/// Work that must finish before a host serves: store migrations, the embedding dimension check, the bootstrap key.
/// Hosts run every registered task at start (PrivateRag.Hosting's <c>StartupTasks</c>); a task that throws stops the
/// host with its message. Tasks must not depend on each other's order: one that needs the store migrated awaits
/// <see cref="Storage.StoreMigrator.MigrateAsync"/> itself (it runs once).
/// </summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken ct);
}
