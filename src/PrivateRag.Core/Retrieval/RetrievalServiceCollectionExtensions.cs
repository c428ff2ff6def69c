using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateRag.Core.Retrieval;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RetrievalOptions"/> (section <c>Retrieval</c>, validated at start) and
    /// <see cref="HybridRetriever"/>, served as the singleton <see cref="IRetriever"/> behind
    /// <see cref="InstrumentedRetriever"/> (every retrieval timed and traced). Needs an <c>IChunkIndex</c> and
    /// <see cref="ModelCapabilities"/> (dense search and reranking when they hold an embedder / reranker).
    /// </summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RetrievalOptions>()
            .Bind(configuration.GetSection(RetrievalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The decorator is composed here, where the retriever is chosen, rather than found among the registrations later.
        services.AddSingleton<HybridRetriever>();
        services.AddSingleton<IRetriever>(sp => new InstrumentedRetriever(sp.GetRequiredService<HybridRetriever>()));
        return services;
    }
}
