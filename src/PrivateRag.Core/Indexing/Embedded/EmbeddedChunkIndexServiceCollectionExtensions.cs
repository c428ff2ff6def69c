using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateRag.Core.Indexing.Embedded;

public static class EmbeddedChunkIndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EmbeddedChunkIndex"/> as the singleton <see cref="IChunkIndex"/>, over the SQLite file
    /// that <paramref name="databasePath"/> names (for example <c>{DataPath}/index/chunks.db</c>). The file and
    /// its folder are created on first use. Its BM25 parameters are <see cref="Bm25Options"/>, validated at start.
    /// </summary>
    public static IServiceCollection AddEmbeddedChunkIndex(this IServiceCollection services, Func<IServiceProvider, string> databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(databasePath);
        // Bound from Index:Bm25 by AddPrivateRagCore; validated here whoever binds it (defaults when nobody does).
        services.AddOptions<Bm25Options>().ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new EmbeddedChunkIndex(
            new EmbeddedChunkIndexOptions { DatabasePath = databasePath(sp), Bm25 = sp.GetRequiredService<IOptions<Bm25Options>>().Value },
            sp.GetService<ILogger<EmbeddedChunkIndex>>()));
        services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<EmbeddedChunkIndex>());
        return services;
    }
}
