using Microsoft.Extensions.DependencyInjection;

namespace PrivateRag.Core.Evaluation;

public static class EvaluationServiceCollectionExtensions
{
    /// <summary>Question sets and runs (part of <see cref="CoreServiceCollectionExtensions.AddPrivateRagCore(IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>).</summary>
    public static IServiceCollection AddPrivateRagEvaluation(this IServiceCollection services)
    {
        services.AddSingleton<EvaluationSignal>();
        services.AddSingleton<QuestionSetService>();
        services.AddSingleton<EvaluationRunService>();
        services.AddSingleton<EvaluationRunner>();
        return services;
    }

    /// <summary>The background worker that carries out queued runs; the app has it, the CLI does not.</summary>
    public static IServiceCollection AddPrivateRagEvaluationWorker(this IServiceCollection services) =>
        services.AddHostedService<EvaluationWorker>();
}
