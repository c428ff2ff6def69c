using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Core.Indexing.Embedded;

public static class EmbeddedChunkIndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EmbeddedChunkIndex"/> as the singleton <see cref="IChunkIndex"/>, over the SQLite file
    /// that <paramref name="databasePath"/> names (for example <c>{DataPath}/index/chunks.db</c>). The file and
    /// its folder are created on first use.
    /// </summary>
    public static IServiceCollection AddEmbeddedChunkIndex(this IServiceCollection services, Func<IServiceProvider, string> databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(databasePath);
        services.AddSingleton(sp => new EmbeddedChunkIndex(databasePath(sp), sp.GetService<ILogger<EmbeddedChunkIndex>>()));
        services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<EmbeddedChunkIndex>());
        return services;
    }
}
