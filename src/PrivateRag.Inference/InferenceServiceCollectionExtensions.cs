using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using PrivateRag.Inference.Catalog;
using PrivateRag.Inference.Inventory;
using PrivateRag.Inference.Local;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference;

public static class InferenceServiceCollectionExtensions
{
    internal const string ChatModelKey = "PrivateRag.Inference.Chat";
    internal const string EmbeddingModelKey = "PrivateRag.Inference.Embedding";
    internal const string RerankerModelKey = "PrivateRag.Inference.Reranker";

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
    /// Path (a local cross-encoder GGUF; OpenAI-compatible servers have no rerank API). Unconfigured capabilities register nothing: resolve them
    /// with <c>GetService</c> and degrade. A Path runs the GGUF in-process (loaded on first use), an Endpoint calls
    /// an OpenAI-compatible server. An embedding Path ending in <c>.onnx</c> runs a sentence-transformer with ONNX Runtime
    /// instead (<see cref="Onnx.OnnxEmbeddingGenerator"/>), behind the same prefixes and normalisation.
    /// </summary>
    public static IServiceCollection AddPrivateRagInference(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ModelsOptions>()
            .Bind(configuration.GetSection(ModelsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelsOptions>, ModelsOptionsValidator>());
        services.AddOptions<InferenceOptions>()
            .Bind(configuration.GetSection(InferenceOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Chat is not null && System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
                o.Chat, new System.ComponentModel.DataAnnotations.ValidationContext(o.Chat), null, validateAllProperties: true),
                "Inference:Chat: MaxConcurrent must be 1-256, MaxQueue 0-100000, PrefillSliceTokens 16-8192, DefaultRetryAfterSeconds 1-3600.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new InferenceStatus(sp.GetRequiredService<IOptions<ModelsOptions>>().Value));
        services.TryAddSingleton(sp => new GenerationThroughput(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new ModelInventory(
            sp.GetRequiredService<IOptions<ModelsOptions>>().Value, sp.GetRequiredService<InferenceStatus>(),
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value, sp.GetService<IChatSchedulerStatus>(),
            sp.GetRequiredService<ILogger<ModelInventory>>()));

        // Which services exist is decided from configuration now; their settings come from the validated options.
        var configured = configuration.GetSection(ModelsOptions.Section).Get<ModelsOptions>() ?? new ModelsOptions();

        if (configured.Chat.IsConfigured)
        {
            if (configured.Chat.IsLocal)
            {
                services.AddKeyedSingleton(ChatModelKey, (sp, _) => new LocalModel(
                    Models(sp).Chat, sp.GetRequiredService<InferenceStatus>().Chat, sp.GetRequiredService<ILoggerFactory>()));
                services.AddSingleton(sp => new BatchingTokenGenerator(
                    sp.GetRequiredKeyedService<LocalModel>(ChatModelKey),
                    sp.GetRequiredService<IOptions<InferenceOptions>>().Value.Chat,
                    sp.GetRequiredService<ILogger<BatchingTokenGenerator>>(),
                    sp.GetRequiredService<GenerationThroughput>()));
                services.AddSingleton<IChatSchedulerStatus>(sp => sp.GetRequiredService<BatchingTokenGenerator>());
                services.AddSingleton<IChatClient>(sp => new LocalChatClient(
                    sp.GetRequiredKeyedService<LocalModel>(ChatModelKey),
                    sp.GetRequiredService<BatchingTokenGenerator>(),
                    Models(sp).Chat,
                    sp.GetRequiredService<InferenceStatus>().Chat.ModelName,
                    sp.GetRequiredService<ILogger<LocalChatClient>>()));
            }
            else
            {
                services.AddSingleton<IChatClient>(sp =>
                {
                    var chat = Models(sp).Chat;
                    sp.GetRequiredService<InferenceStatus>().Chat.MarkLoaded();
                    return new RemoteChatClient(OpenAIClientFor(chat, sp).GetChatClient(chat.ModelName).AsIChatClient(), chat);
                });
            }
        }

        if (configured.Embedding.IsConfigured)
        {
            if (configured.Embedding.IsOnnx)
            {
                Onnx.OnnxRegistration.AddOnnxEmbeddings(services, registerTokenizer: !configured.Chat.IsLocal);
            }
            else if (configured.Embedding.IsLocal)
            {
                services.AddKeyedSingleton(EmbeddingModelKey, (sp, _) => new LocalModel(
                    Models(sp).Embedding, sp.GetRequiredService<InferenceStatus>().Embedding, sp.GetRequiredService<ILoggerFactory>()));
                services.AddSingleton(sp => new LocalEmbeddingGenerator(
                    sp.GetRequiredKeyedService<LocalModel>(EmbeddingModelKey),
                    sp.GetRequiredService<InferenceStatus>().Embedding,
                    sp.GetRequiredService<ILogger<LocalEmbeddingGenerator>>()));
            }

            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                var embedding = Models(sp).Embedding;
                var status = sp.GetRequiredService<InferenceStatus>().Embedding;
                IEmbeddingGenerator<string, Embedding<float>> inner = embedding.IsLocal
                    ? Onnx.OnnxRegistration.LocalGenerator(sp, embedding)
                    : OpenAIClientFor(embedding, sp).GetEmbeddingClient(embedding.ModelName).AsIEmbeddingGenerator();
                // Local: the container owns (and disposes) the inner generator; remote: this wrapper does.
                return new PurposeEmbeddingGenerator(embedding.IsLocal ? new NonDisposing(inner) : inner, embedding, status);
            });
        }

        if (configured.Reranker.IsLocal)
        {
            services.AddKeyedSingleton(RerankerModelKey, (sp, _) => new LocalModel(
                Models(sp).Reranker, sp.GetRequiredService<InferenceStatus>().Reranker, sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton(sp => new LocalReranker(
                sp.GetRequiredKeyedService<LocalModel>(RerankerModelKey), sp.GetRequiredService<ILogger<LocalReranker>>()));
        }

        var tokenizerModel = configured.Chat.IsLocal ? ChatModelKey : configured.Embedding.IsLocal && !configured.Embedding.IsOnnx ? EmbeddingModelKey : null;
        if (tokenizerModel is not null)
            services.AddSingleton<ITokenizer>(sp => new LocalTokenizer(sp.GetRequiredKeyedService<LocalModel>(tokenizerModel)));

        return services;
    }

    /// <summary>
    /// Registers <see cref="ModelDownloads"/> (catalogue downloads in the background, into <c>Models:DownloadDirectory</c>)
    /// as a singleton and hosted service, with its own <see cref="HttpClient"/> (no overall timeout: model files are
    /// gigabytes; a 30 s connect timeout, so an unreachable hub fails quickly).
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
        services.TryAddSingleton(sp => new ModelDownloads(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ModelDownloads.HttpClientName),
            Models(sp).DownloadDirectory,
            sp.GetRequiredService<ILogger<ModelDownloads>>(),
            sp.GetService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<ModelDownloads>());
        return services;
    }

    private static ModelsOptions Models(IServiceProvider services) => services.GetRequiredService<IOptions<ModelsOptions>>().Value;

    /// <summary>
    /// The name of the <see cref="HttpClient"/> (from <see cref="IHttpClientFactory"/>, when registered) that remote
    /// model calls use: configure it for proxies, certificates or timeouts with <c>services.AddHttpClient(RemoteHttpClientName)</c>.
    /// </summary>
    public const string RemoteHttpClientName = "PrivateRag.Inference.Remote";

    private static OpenAIClient OpenAIClientFor(ModelOptions model, IServiceProvider services)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(model.Endpoint!) };
        if (services.GetService<IHttpClientFactory>() is { } httpClients)
            options.Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(httpClients.CreateClient(RemoteHttpClientName));

        // OpenAI-compatible servers without authentication still need a non-empty key on the wire.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(model.ApiKey) ? "unused" : model.ApiKey), options);
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
