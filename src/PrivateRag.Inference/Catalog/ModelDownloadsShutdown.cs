using Microsoft.Extensions.Hosting;

namespace PrivateRag.Inference.Catalog;

/// <summary>Stops running catalogue downloads when the app stops (the downloads themselves are a singleton it does not own).</summary>
internal sealed class ModelDownloadsShutdown(ModelDownloads downloads) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        downloads.StopAll();
        return Task.CompletedTask;
    }
}
