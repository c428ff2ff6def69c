using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateRag.Core.Retrieval;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RetrievalOptions"/> (section <c>Retrieval</c>, validated at start) and
    /// <see cref="HybridRetriever"/> as the singleton <see cref="IRetriever"/>. Needs an <c>IChunkIndex</c>; uses an
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> when one is registered.
    /// </summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RetrievalOptions>()
            .Bind(configuration.GetSection(RetrievalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IRetriever, HybridRetriever>();
        return services;
    }
}
