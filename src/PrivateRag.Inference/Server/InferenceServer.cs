using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateRag.Inference.Local;

namespace PrivateRag.Inference.Server;

/// <summary>Marks the inference server's assembly for <c>WebApplicationFactory&lt;InferenceServerEntryPoint&gt;</c>.</summary>
public sealed class InferenceServerEntryPoint;

/// <summary>The standalone inference server: model warm-up, health endpoints and the OpenAI-compatible API.</summary>
public static class InferenceServer
{
    /// <summary>Loads the configured local models when the server starts, so <c>/health/ready</c> turns 200 once they are in memory.</summary>
    public static IHostApplicationBuilder AddPrivateRagInferenceServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelWarmup>());
        return builder;
    }

    /// <summary><c>GET /health/live</c> (the process answers) and <c>GET /health/ready</c> (every configured local model is loaded).</summary>
    public static IEndpointRouteBuilder MapInferenceHealth(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }));
        routes.MapGet("/health/ready", (InferenceStatus status) =>
        {
            var models = status.All.Where(c => c.IsConfigured && c.Capability != ModelCapability.Reranker)
                .Select(c => new { capability = c.Capability, model = c.ModelName, source = c.Source, loaded = c.IsLoaded || c.Source == ModelSource.Remote })
                .ToList();
            var ready = models.All(m => m.loaded);
            return Results.Json(new { status = ready ? "ready" : "loading", models }, statusCode: ready ? 200 : 503);
        });
        return routes;
    }

    private sealed class ModelWarmup(IServiceProvider services, IOptions<ModelsOptions> options, ILogger<ModelWarmup> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            foreach (var (key, configured) in new[]
                     {
                         (InferenceServiceCollectionExtensions.ChatModelKey, options.Value.Chat.IsLocal),
                         (InferenceServiceCollectionExtensions.EmbeddingModelKey, options.Value.Embedding.IsLocal && !options.Value.Embedding.IsOnnx),
                     })
            {
                if (!configured) continue;
                try
                {
                    await services.GetRequiredKeyedService<LocalModel>(key).GetWeightsAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Loading the model {Key} failed; /health/ready stays 503", key);
                }
            }

            if (services.GetService<Onnx.OnnxEmbeddingGenerator>() is { } onnx)
            {
                try
                {
                    await onnx.LoadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Loading the ONNX embedding model failed; /health/ready stays 503");
                }
            }
        }
    }
}
