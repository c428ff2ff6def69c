using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Inference.Inventory;
using PrivateRag.Inference.Local;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference;

public static class InferenceServiceCollectionExtensions
{
    internal const string ChatModelKey = "PrivateRag.Inference.Chat";
    internal const string EmbeddingModelKey = "PrivateRag.Inference.Embedding";
    internal const string RerankerModelKey = "PrivateRag.Inference.Reranker";

    /// <summary>
    /// The name of the <see cref="HttpClient"/> (from <see cref="IHttpClientFactory"/>, when registered) that remote
    /// model calls use: configure it for proxies, certificates or timeouts with <c>services.AddHttpClient(RemoteHttpClientName)</c>.
    /// </summary>
    public const string RemoteHttpClientName = "PrivateRag.Inference.Remote";

    /// <summary>Registers the model capabilities configured under <c>Models</c>; see <see cref="AddPrivateRagInference(IServiceCollection, IConfiguration)"/>.</summary>
    public static IHostApplicationBuilder AddPrivateRagInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPrivateRagInference(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="ModelsOptions"/> (validated on start) and <see cref="InferenceStatus"/>, and for each
    /// configured capability: <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> of string / <see cref="Embedding{T}"/>
    /// when <c>Models:Embedding</c> has a Path or Endpoint, <see cref="IChatClient"/> when <c>Models:Chat</c> has, and
    /// <see cref="ITokenizer"/> when either model is local, <see cref="LocalReranker"/> when <c>Models:Reranker</c> has a
    /// Path (a local cross-encoder GGUF; OpenAI-compatible servers have no rerank API). Unconfigured capabilities
    /// register nothing (hosts hand them on as <c>ModelCapabilities</c>, null when off). A Path runs the GGUF
    /// in-process (loaded on first use), an Endpoint calls an OpenAI-compatible server. An embedding Path ending
    /// in <c>.onnx</c> runs a sentence-transformer with ONNX Runtime (<see cref="Onnx.OnnxEmbeddingGenerator"/>).
    /// </summary>
    public static IServiceCollection AddPrivateRagInference(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ModelsOptions>()
            .Bind(configuration.GetSection(ModelsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelsOptions>, ModelsOptionsValidator>();
        services.AddOptions<InferenceOptions>()
            .Bind(configuration.GetSection(InferenceOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Chat is not null && System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
                o.Chat, new System.ComponentModel.DataAnnotations.ValidationContext(o.Chat), null, validateAllProperties: true),
                "Inference:Chat: MaxConcurrent must be 1-256, MaxQueue 0-100000, PrefillSliceTokens 16-8192, DefaultRetryAfterSeconds 1-3600.")
            .ValidateOnStart();
        services.AddSingleton(sp => new InferenceStatus(Models(sp)));
        services.AddSingleton(sp => new GenerationThroughput(sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new ModelInventory(
            Models(sp), sp.GetRequiredService<InferenceStatus>(),
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value, sp.GetService<IChatSchedulerStatus>(),
            sp.GetRequiredService<ILogger<ModelInventory>>()));

        // Which services exist depends on where each model runs, so that is read now: only Path and Endpoint, the keys
        // that decide it. Everything else (and these two) is bound and validated with the options at start.
        var chat = Site(configuration, "Chat");
        var embedding = Site(configuration, "Embedding");
        var reranker = Site(configuration, "Reranker");

        if (chat.IsLocal) services.AddLocalChat();
        else if (chat.IsConfigured) services.AddRemoteChat();

        var onnx = embedding.IsLocal && Onnx.OnnxModelFiles.IsOnnx(embedding.Path!);
        if (onnx) services.AddOnnxEmbedding(registerTokenizer: !chat.IsLocal);
        else if (embedding.IsLocal) services.AddLocalEmbedding();
        else if (embedding.IsConfigured) services.AddRemoteEmbedding();

        if (reranker.IsLocal) services.AddLocalReranker();

        // Budgets count with the tokenizer of a local model: the chat model's, else the embedding model's (an ONNX
        // embedder registers its own WordPiece counter).
        var tokenizerModel = chat.IsLocal ? ChatModelKey : embedding.IsLocal && !onnx ? EmbeddingModelKey : null;
        if (tokenizerModel is not null)
            services.AddSingleton<ITokenizer>(sp => new LocalTokenizer(sp.GetRequiredKeyedService<LocalModel>(tokenizerModel)));

        return services;
    }

    internal static ModelsOptions Models(IServiceProvider services) => services.GetRequiredService<IOptions<ModelsOptions>>().Value;

    private static ModelOptions Site(IConfiguration configuration, string capability)
    {
        var section = configuration.GetSection($"{ModelsOptions.Section}:{capability}");
        return new ModelOptions { Path = section[nameof(ModelOptions.Path)], Endpoint = section[nameof(ModelOptions.Endpoint)] };
    }
}
