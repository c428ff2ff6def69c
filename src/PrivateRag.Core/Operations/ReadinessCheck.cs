using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Operations;

/// <summary>Ready when the store is migrated and reachable and the index answers: what every web and ingest node needs.</summary>
public sealed class ReadinessCheck(StoreMigrator migrator, IDbContextFactory<PrivateRagDbContext> dbFactory, IChunkIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrator.IsMigrated) return HealthCheckResult.Unhealthy("The metadata store is not migrated yet.");
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("The metadata store does not answer.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The metadata store does not answer.", e);
        }
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

/// <summary>Tags of health checks: <see cref="Ready"/> checks decide <c>/health/ready</c> on every host.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
