using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Web.Startup;

/// <summary>Ready when the store is migrated and the index answers.</summary>
public sealed class ReadinessCheck(StoreMigrator migrator, IChunkIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrator.IsMigrated) return HealthCheckResult.Unhealthy("The metadata store is not migrated yet.");
        try
        {
            var stats = await index.GetStatsAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{stats.Chunks} chunks indexed.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The chunk index is not available.", e);
        }
    }
}
