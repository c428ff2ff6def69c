using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateRag.Inference.Onnx;

/// <summary>The ONNX embedding provider's services, registered when <c>Models:Embedding:Path</c> names a <c>.onnx</c> file.</summary>
internal static class OnnxRegistration
{
    /// <summary>
    /// Registers <see cref="OnnxEmbeddingGenerator"/> (the caller wraps it in <see cref="PurposeEmbeddingGenerator"/>
    /// like the LLamaSharp one) and, unless a local chat model already counts tokens, an <see cref="ITokenizer"/> that
    /// counts with the embedder's WordPiece vocabulary, so chunk budgets match what the embedder truncates.
    /// </summary>
    public static void AddOnnxEmbeddings(IServiceCollection services, bool registerTokenizer)
    {
        services.AddSingleton(sp => new OnnxEmbeddingGenerator(
            sp.GetRequiredService<IOptions<ModelsOptions>>().Value.Embedding,
            sp.GetRequiredService<InferenceStatus>().Embedding,
            sp.GetRequiredService<ILogger<OnnxEmbeddingGenerator>>()));
        if (registerTokenizer)
            services.AddSingleton<ITokenizer>(sp => new OnnxTokenizer(sp.GetRequiredService<OnnxEmbeddingGenerator>()));
    }


    private sealed class OnnxTokenizer(OnnxEmbeddingGenerator generator) : ITokenizer
    {
        public int CountTokens(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            return generator.CountTokens(text);
        }
    }
}
