using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateRag.Core;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Text;
using PrivateRag.Inference;
using PrivateRag.Inference.Local;

namespace PrivateRag.Hosting;

/// <summary>
/// Joins Core's model seams to what Inference registered: Core says what a reranker or a token counter is, Inference
/// runs the models, and neither refers to the other (the inference server runs without Core), so hosts join them here.
/// </summary>
/// <remarks>
/// Every bridge is a factory resolved when first used, so it does not matter whether <c>AddPrivateRagInference</c> or
/// <c>AddPrivateRagCore</c> ran first: Core's defaults are <c>TryAdd</c>ed and replaced here whatever the order.
/// </remarks>
public static class ModelBridges
{
    public static IServiceCollection AddPrivateRagModelBridges(this IServiceCollection services)
    {
        // Budgets (chunk sizes, prompt sources) count with the loaded model's own tokenizer when there is one.
        services.Replace(ServiceDescriptor.Singleton<ITokenCounter>(sp =>
            sp.GetService<ITokenizer>() is { } tokenizer ? new ModelTokenCounter(tokenizer.CountTokens) : ApproximateTokenCounter.Instance));
        services.Replace(ServiceDescriptor.Singleton(sp => new ModelCapabilities(
            sp.GetService<IChatClient>(),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<LocalReranker>() is { } reranker ? new Reranker(reranker) : null)));
        return services;
    }

    private sealed class Reranker(LocalReranker model) : IPassageReranker
    {
        public Task<IReadOnlyList<float>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default) =>
            model.ScoreAsync(query, passages, ct);
    }
}
