using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// Runs queued evaluation runs in the background, one at a time, woken by <see cref="EvaluationSignal"/> and looking
/// again every 30 s (runs queued by another instance, or left queued by a restart).
/// </summary>
public sealed class EvaluationWorker(EvaluationRunner runner, EvaluationSignal signal, ILogger<EvaluationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start after the host: the store is migrated by then.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var abandoned = await runner.FailAbandonedAsync(stoppingToken);
                if (abandoned > 0) logger.LogWarning("Marked {Count} evaluation runs cut off by a restart as failed", abandoned);
                while (await runner.RunNextAsync(stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Looking for queued evaluation runs failed; trying again later");
            }
            await signal.WaitAsync(Idle, stoppingToken);
        }
    }
}
