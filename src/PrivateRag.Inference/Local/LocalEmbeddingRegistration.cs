using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static PrivateRag.Inference.InferenceServiceCollectionExtensions;

namespace PrivateRag.Inference.Local;

internal static class LocalEmbeddingRegistration
{
    /// <summary><c>Models:Embedding:Path</c>: the GGUF in-process (loaded on first use), behind the query/document prefixes.</summary>
    public static IServiceCollection AddLocalEmbedding(this IServiceCollection services)
    {
        services.AddKeyedSingleton(EmbeddingModelKey, (sp, _) => new LocalModel(
            Models(sp).Embedding, sp.GetRequiredService<InferenceStatus>().Embedding, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new LocalEmbeddingGenerator(
            sp.GetRequiredKeyedService<LocalModel>(EmbeddingModelKey),
            sp.GetRequiredService<InferenceStatus>().Embedding,
            sp.GetRequiredService<ILogger<LocalEmbeddingGenerator>>()));
        // The container owns (and disposes) the local generator, so the wrapper must not.
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new PurposeEmbeddingGenerator(
            new NonDisposing(sp.GetRequiredService<LocalEmbeddingGenerator>()), Models(sp).Embedding, sp.GetRequiredService<InferenceStatus>().Embedding));
        return services;
    }

    /// <summary>
    /// <c>Models:Embedding:Path</c> naming a <c>.onnx</c> sentence-transformer: ONNX Runtime in-process, behind the same
    /// prefixes and normalisation; with <paramref name="registerTokenizer"/> its WordPiece vocabulary also counts tokens.
    /// </summary>
    public static IServiceCollection AddOnnxEmbedding(this IServiceCollection services, bool registerTokenizer)
    {
        Onnx.OnnxRegistration.AddOnnxEmbeddings(services, registerTokenizer);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new PurposeEmbeddingGenerator(
            new NonDisposing(sp.GetRequiredService<Onnx.OnnxEmbeddingGenerator>()), Models(sp).Embedding, sp.GetRequiredService<InferenceStatus>().Embedding));
        return services;
    }

    /// <summary>Keeps a wrapper from disposing an inner generator the container already disposes.</summary>
    private sealed class NonDisposing(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
