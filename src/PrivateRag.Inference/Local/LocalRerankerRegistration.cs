using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static PrivateRag.Inference.InferenceServiceCollectionExtensions;

namespace PrivateRag.Inference.Local;

internal static class LocalRerankerRegistration
{
    /// <summary><c>Models:Reranker:Path</c>: a cross-encoder GGUF (RANK pooling), read on the first score.</summary>
    public static IServiceCollection AddLocalReranker(this IServiceCollection services)
    {
        services.AddKeyedSingleton(RerankerModelKey, (sp, _) => new LocalModel(
            Models(sp).Reranker, sp.GetRequiredService<InferenceStatus>().Reranker, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new LocalReranker(
            sp.GetRequiredKeyedService<LocalModel>(RerankerModelKey), sp.GetRequiredService<ILogger<LocalReranker>>()));
        return services;
    }
}
