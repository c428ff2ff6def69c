using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateRag.Core.Indexing.Qdrant;

public static class QdrantChunkIndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="QdrantChunkIndex"/> as the singleton <see cref="IChunkIndex"/>, configured by the
    /// <c>Index:Qdrant</c> section (<c>Url</c> required, <c>ApiKey</c>, <c>Collection</c>, <c>Dimensions</c>,
    /// <c>BatchSize</c>, <c>MaxRetries</c>, <c>Timeout</c>), validated at start.
    /// </summary>
    public static IServiceCollection AddQdrantChunkIndex(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<QdrantIndexOptions>().Bind(configuration.GetSection(QdrantIndexOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QdrantChunkIndex>();
        services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<QdrantChunkIndex>());
        return services;
    }
}
