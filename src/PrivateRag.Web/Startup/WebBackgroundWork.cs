using PrivateRag.Core.Audit;
using PrivateRag.Core.Evaluation;
using PrivateRag.Inference;

namespace PrivateRag.Web.Startup;

/// <summary>What the app does on its own: audit clean-up, queued evaluation runs, catalogue model downloads.</summary>
public static class WebBackgroundWork
{
    public static IServiceCollection AddPrivateRagBackgroundWork(this IServiceCollection services)
    {
        // Old audit entries deleted (Audit:RetentionDays); the log itself is Core's.
        services.AddPrivateRagAuditRetention();
        // Evaluation runs queued from /admin/evaluation or the API are carried out one at a time.
        services.AddPrivateRagEvaluationWorker();
        // Catalogue downloads started from /admin/models.
        services.AddPrivateRagModelDownloads();
        return services;
    }
}
