using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Storage;

namespace PrivateRag.Ingest.Pipeline;

/// <summary>Runs <see cref="IngestionOptions.Workers"/> loops that lease and process jobs until the host stops.</summary>
public sealed class IngestionWorker(
    IngestionPipeline pipeline,
    IngestionSignal signal,
    IngestionQueue queue,
    StoreMigrator migrator,
    IOptions<IngestionOptions> options,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = options.Value.Workers;
        if (count == 0) return;
        await migrator.MigrateAsync(stoppingToken);
        logger.LogInformation("Starting {Count} ingestion worker(s)", count);
        var prefix = $"{Environment.MachineName}:{Environment.ProcessId}";
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => LoopAsync($"{prefix}:{i}", stoppingToken)).Append(ReportDepthAsync(stoppingToken)));
    }

    /// <summary>Keeps the queue-depth gauge current without a database call at scrape time.</summary>
    private async Task ReportDepthAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
        try
        {
            do
            {
                try
                {
                    PrivateRag.Core.Operations.PrivateRagTelemetry.ReportQueueDepth(await queue.PendingCountAsync(ct));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug("Queue depth not read: {Error}", e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task LoopAsync(string workerId, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await pipeline.ProcessNextAsync(workerId, ct))
                    await signal.WaitAsync(options.Value.PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store may be briefly locked or unreachable; the job's lease protects it, so wait and go on.
                logger.LogError(e, "Ingestion worker {WorkerId} hit an error; continuing", workerId);
                await signal.WaitAsync(options.Value.PollInterval, ct);
            }
        }
    }
}
