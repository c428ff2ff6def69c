using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateRag.Core.Audit;

/// <summary>Deletes audit entries older than <c>Audit:RetentionDays</c>, at start and every <c>Audit:CleanupInterval</c>.</summary>
public sealed class AuditRetention(StoreAuditLog audit, IOptionsMonitor<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the store migrate first.
        await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await audit.DeleteExpiredAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} audit entries older than {Days} days", deleted, options.CurrentValue.RetentionDays);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Audit clean-up failed; it runs again later");
            }
            await Task.Delay(options.CurrentValue.CleanupInterval, clock, stoppingToken);
        }
    }
}
