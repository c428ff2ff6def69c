using Microsoft.Extensions.Hosting;
using PrivateRag.Core.Operations;

namespace PrivateRag.Hosting;

/// <summary>Runs every <see cref="IStartupTask"/> before the host takes requests (hosted services start in order, the server last).</summary>
internal sealed class StartupTasks(IEnumerable<IStartupTask> tasks) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks) await task.RunAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
