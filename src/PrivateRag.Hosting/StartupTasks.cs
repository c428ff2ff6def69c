using Microsoft.Extensions.Hosting;
using PrivateRag.Core.Operations;

namespace PrivateRag.Hosting;

/// <summary>
/// Runs every <see cref="IStartupTask"/> (migrations, the embedding dimension check, the bootstrap key) before any
/// hosted service starts and before the host takes requests. It does so in <see cref="StartingAsync"/>, which the host
/// calls on every lifecycle service before the first <c>StartAsync</c>, so this holds whichever Add* call registered
/// its hosted services first.
/// </summary>
internal sealed class StartupTasks(IEnumerable<IStartupTask> tasks) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks) await task.RunAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
