using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core;

namespace PrivateRag.Ingest.Sources;

/// <summary>
/// Runs due sources in the background of every process that runs ingestion workers. Several processes may run it:
/// each source's claim lets one of them run it, the others skip it.
/// </summary>
public sealed class SourceScheduler(SourceService sources, IOptions<SourcesOptions> options, ILogger<SourceScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Scheduler) return;
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                foreach (var id in await sources.DueAsync(stoppingToken))
                {
                    try
                    {
                        await sources.SyncAsync(id, null, stoppingToken);
                    }
                    catch (ConflictException)
                    {
                        // Another process runs it.
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Scheduled sync of source {SourceId} failed", id);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Looking for due sources failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
