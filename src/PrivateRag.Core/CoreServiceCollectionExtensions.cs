using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Access;
using PrivateRag.Core.Analytics;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Configuration;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;
using PrivateRag.Core.Indexing.Qdrant;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Storage;
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

        // The clock is the host's: several framework pieces add the system clock the same way, and a test may bring its own.
        services.TryAddSingleton(TimeProvider.System);
        // Defaults until a host's model bridges replace them (in whichever order the Add* calls run).
        services.TryAddSingleton<ITokenCounter>(ApproximateTokenCounter.Instance);
        services.TryAddSingleton(ModelCapabilities.None);
        services.AddPrivateRagStore(configuration);
        services.AddSingleton<IBlobStore>(sp => new FileBlobStore(sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value.Folder.Blobs));
        services.AddOptions<IndexOptions>().Bind(configuration.GetSection(IndexOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        if (configuration.GetValidated<IndexOptions>(IndexOptions.Section).Provider == IndexProvider.Qdrant)
            services.AddQdrantChunkIndex(configuration);
        else
        {
            services.AddOptions<Bm25Options>().Bind(configuration.GetSection(Bm25Options.Section));
            services.AddEmbeddedChunkIndex(sp => sp.GetRequiredService<IOptions<PrivateRagOptions>>().Value.Folder.IndexDatabase);
        }
        services.AddRetrieval(configuration);

        services.AddSingleton<CollectionAccess>();
        services.AddSingleton<CollectionService>();
        services.AddSingleton<DocumentService>();
        services.AddSingleton<CollectionRemoval>();
        services.AddSingleton<KnownPrincipals>();
        services.AddSingleton<DocumentInspector>();
        services.AddSingleton<IngestionSignal>();
        services.AddSingleton<ChatService>();
        services.AddSingleton<Microsoft.SemanticKernel.IFunctionInvocationFilter, AnswerFunctionFilter>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<AnswerEvaluator>();
        services.AddSingleton<AccountService>();
        services.AddOptions<SignInLockoutOptions>().Bind(configuration.GetSection(SignInLockoutOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddPrivateRagAudit(configuration);
        services.AddSingleton<BackupService>();
        services.AddSingleton<EmbeddingDimensionCheck>();
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<EmbeddingDimensionCheck>());
        services.AddSingleton<ExplainService>();
        services.AddSingleton<AnalyticsService>();
        services.AddPrivateRagEvaluation();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("store-and-index", tags: [HealthTags.Ready]);
        return services;
    }
}
