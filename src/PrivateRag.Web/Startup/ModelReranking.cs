using PrivateRag.Core.Retrieval;
using PrivateRag.Inference.Local;

namespace PrivateRag.Web.Startup;

/// <summary>
/// Lets retrieval use the reranker model: Core defines what a reranker is, Inference runs the GGUF, and neither refers
/// to the other (the inference server runs without Core), so the app joins them here.
/// </summary>
internal static class ModelReranking
{
    /// <summary>Registers <see cref="IPassageReranker"/> when <c>AddPrivateRagInference</c> registered a local reranker.</summary>
    public static IServiceCollection AddModelReranking(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(LocalReranker)))
            services.AddSingleton<IPassageReranker>(sp => new Adapter(sp.GetRequiredService<LocalReranker>()));
        return services;
    }

    private sealed class Adapter(LocalReranker model) : IPassageReranker
    {
        public Task<IReadOnlyList<float>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default) =>
            model.ScoreAsync(query, passages, ct);
    }
}
