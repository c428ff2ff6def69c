using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core;
using PrivateRag.Tests;

namespace PrivateRag.Web.Tests.Api;

/// <summary>
/// The app's retrieval gets the reranker model only when <c>Models:Reranker:Path</c> is set. No cross-encoder GGUF can
/// be obtained here, so nothing is scored: resolving the reranker must not load the model (it loads on the first score).
/// </summary>
public sealed class RerankerWiringTests
{
    [SharedDataFact]
    public async Task A_configured_reranker_model_reaches_retrieval_and_none_is_registered_without_one()
    {
        await using (var without = new PrivateRagAppFactory())
        {
            Assert.Null(without.Services.GetRequiredService<ModelCapabilities>().Reranker);
        }

        await using var with = new PrivateRagAppFactory(new Dictionary<string, string?> { ["Models:Reranker:Path"] = SharedData.TinyModel });
        Assert.NotNull(with.Services.GetRequiredService<ModelCapabilities>().Reranker);
        Assert.False(with.Services.GetRequiredService<PrivateRag.Inference.InferenceStatus>().Reranker.IsLoaded);
    }
}
