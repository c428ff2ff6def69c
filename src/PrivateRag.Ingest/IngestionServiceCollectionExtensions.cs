using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Extraction;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Readers.Ocr;
using PrivateRag.Ingest.Sources;

namespace PrivateRag.Ingest;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Readers, chunker and pipeline; with <paramref name="runWorkers"/> also the background workers.</summary>
    public static IHostApplicationBuilder AddPrivateRagIngestion(this IHostApplicationBuilder builder, bool runWorkers = true)
    {
        builder.Services.AddPrivateRagIngestion(builder.Configuration, runWorkers);
        return builder;
    }

    public static IServiceCollection AddPrivateRagIngestion(this IServiceCollection services, IConfiguration configuration, bool runWorkers = true)
    {
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChunkingOptions>().Bind(configuration.GetSection(ChunkingOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OcrOptions>().Bind(configuration.GetSection(OcrOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new PdfOcr(sp.GetRequiredService<IOptions<OcrOptions>>().Value));
        services.AddSingleton(sp => new DocumentReaderRegistry(DocumentReaderRegistry.DefaultReaders(sp.GetRequiredService<PdfOcr>())));
        services.AddSingleton<InProcessExtractor>();
        services.AddSingleton<ChildProcessExtractor>();
        services.AddSingleton<IDocumentExtractor>(sp => sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Isolation == ExtractionIsolation.Process
            ? sp.GetRequiredService<ChildProcessExtractor>()
            : sp.GetRequiredService<InProcessExtractor>());
        services.AddSingleton<IngestionQueue>();
        services.AddSingleton(sp => new DocumentChunker(sp.GetRequiredService<IOptions<ChunkingOptions>>().Value, sp.GetRequiredService<ITokenCounter>()));
        services.AddSingleton<IngestionPipeline>();
        services.AddOptions<SourcesOptions>().Bind(configuration.GetSection(SourcesOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FolderSync>();
        services.AddSingleton<SourceService>();
        if (runWorkers)
        {
            services.AddHostedService<IngestionWorker>();
            services.AddHostedService<SourceScheduler>();
        }
        return services;
    }
}
