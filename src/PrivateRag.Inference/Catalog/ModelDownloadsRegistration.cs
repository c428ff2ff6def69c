using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference.Catalog;
using static PrivateRag.Inference.InferenceServiceCollectionExtensions;

namespace PrivateRag.Inference;

public static class ModelDownloadsRegistration
{
    /// <summary>
    /// Registers <see cref="ModelDownloads"/> (catalogue downloads in the background, into <c>Models:DownloadDirectory</c>)
    /// as a singleton, stopped with the app, with its own <see cref="HttpClient"/> (no overall timeout: model files are
    /// gigabytes; a 30 s connect timeout, so an unreachable hub fails quickly). Needs <see cref="ModelsOptions"/>
    /// (<c>AddPrivateRagInference</c>), in either order.
    /// </summary>
    public static IServiceCollection AddPrivateRagModelDownloads(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(ModelDownloads.HttpClientName, http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("privaterag-models/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) });
        services.AddSingleton(sp => new ModelDownloads(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelDownloads.HttpClientName),
            Models(sp).DownloadDirectory,
            sp.GetRequiredService<ILogger<ModelDownloads>>(),
            sp.GetService<TimeProvider>()));
        services.AddHostedService<ModelDownloadsShutdown>();
        return services;
    }
}
