using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Access;
using PrivateRag.Core.Analytics;
using PrivateRag.Core.Answers;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Backup;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Chat;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;
using PrivateRag.Core.Indexing.Qdrant;
using PrivateRag.Core.Ingestion;
using PrivateRag.Core.Options;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Telemetry;
using PrivateRag.Core.Text;

namespace PrivateRag.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Store, blobs, index, retrieval, answering and accounts: everything the app, worker and CLI share.</summary>
    public static IHostApplicationBuilder AddPrivateRagCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPrivateRagCore(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddPrivateRagCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivateRagOptions>().Bind(configuration.GetSection(PrivateRagOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UploadOptions>().Bind(configuration.GetSection(UploadOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AnswerOptions>().Bind(configuration.GetSection(AnswerOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenCounter>(ApproximateTokenCounter.Instance);
        services.AddPrivateRagStore(configuration);
        services.AddSingleton<IBlobStore>(sp =>
            new FileBlobStore(Path.Combine(sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value.FullDataPath, "blobs")));
        var indexProvider = configuration.GetSection(IndexOptions.Section).Get<IndexOptions>()?.Provider ?? IndexProvider.Embedded;
        if (indexProvider == IndexProvider.Qdrant)
            services.AddQdrantChunkIndex(configuration);
        else
            services.AddEmbeddedChunkIndex(sp =>
                Path.Combine(sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value.FullDataPath, "index", "chunks.db"));
        services.AddRetrieval(configuration);
        DecorateRetriever(services);

        services.AddSingleton<CollectionAccess>();
        services.AddSingleton<CollectionService>();
        services.AddSingleton<DocumentService>();
        services.AddSingleton<CollectionRemoval>();
        services.AddSingleton<KnownPrincipals>();
        services.AddSingleton<DocumentInspector>();
        services.AddSingleton<IngestionQueue>();
        services.AddSingleton<IngestionSignal>();
        services.AddSingleton<ChatService>();
        services.AddSingleton<Microsoft.SemanticKernel.IFunctionInvocationFilter, AnswerFunctionFilter>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<AnswerEvaluator>();
        services.AddSingleton<AccountService>();
        services.AddPrivateRagAudit(configuration);
        services.AddSingleton<BackupService>();
        services.AddSingleton<EmbeddingDimensionCheck>();
        services.AddSingleton<Explain.ExplainService>();
        services.AddSingleton<AnalyticsService>();
        services.AddPrivateRagEvaluation();
        return services;
    }

    /// <summary>Wraps whatever <see cref="IRetriever"/> is registered so every retrieval is timed and traced.</summary>
    private static void DecorateRetriever(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IRetriever));
        services.Remove(registered);
        services.AddSingleton<IRetriever>(sp => new InstrumentedRetriever(registered switch
        {
            { ImplementationInstance: IRetriever instance } => instance,
            { ImplementationFactory: { } factory } => (IRetriever)factory(sp),
            { ImplementationType: { } type } => (IRetriever)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException("The IRetriever registration cannot be decorated."),
        }));
    }
}
