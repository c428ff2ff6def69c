using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Operations;
using PrivateRag.Inference.Local;
using PrivateRag.Inference.Onnx;

namespace PrivateRag.Inference.Server;

/// <summary>Marks the inference server's assembly for <c>WebApplicationFactory&lt;InferenceServerEntryPoint&gt;</c>.</summary>
public sealed class InferenceServerEntryPoint;

/// <summary>The standalone inference server: models loaded at start, ready once they are.</summary>
public static class InferenceServer
{
    /// <summary>Loads the configured local models when the server starts, so <c>/health/ready</c> turns 200 once they are in memory.</summary>
    public static IHostApplicationBuilder AddPrivateRagInferenceServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InferenceServerOptions>().BindConfiguration(InferenceServerOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddInferenceRateLimits();
        builder.Services.AddHostedService<ModelWarmup>();
        builder.Services.AddHealthChecks().AddCheck<ModelsLoadedCheck>("models", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>Ready when every configured chat and embedding model is loaded (remote ones count as loaded).</summary>
    private sealed class ModelsLoadedCheck(InferenceStatus status) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var models = status.All.Where(c => c.IsConfigured && c.Capability != ModelCapability.Reranker).ToList();
            var loading = models.Where(c => !(c.IsLoaded || c.Source == ModelSource.Remote)).Select(c => $"{c.Capability}: {c.ModelName}").ToList();
            return Task.FromResult(loading.Count == 0
                ? HealthCheckResult.Healthy(models.Count == 0 ? "No model is configured." : $"Loaded: {string.Join(", ", models.Select(m => $"{m.Capability}: {m.ModelName}"))}.")
                : HealthCheckResult.Unhealthy($"Loading: {string.Join(", ", loading)}."));
        }
    }

    private sealed class ModelWarmup(
        IOptions<ModelsOptions> options,
        ILogger<ModelWarmup> logger,
        [FromKeyedServices(InferenceServiceCollectionExtensions.ChatModelKey)] LocalModel? chat = null,
        [FromKeyedServices(InferenceServiceCollectionExtensions.EmbeddingModelKey)] LocalModel? embedding = null,
        OnnxEmbeddingGenerator? onnx = null) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var loads = new List<(string Path, Func<CancellationToken, Task> Load)>();
            if (options.Value.Chat.IsLocal && chat is not null) loads.Add((chat.Path, async ct => await chat.GetWeightsAsync(ct)));
            if (embedding is not null) loads.Add((embedding.Path, async ct => await embedding.GetWeightsAsync(ct)));
            if (onnx is not null) loads.Add((options.Value.Embedding.Path!, onnx.LoadAsync));
            foreach (var (path, load) in loads)
            {
                try
                {
                    await load(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Loading the model {Path} failed; /health/ready stays 503", path);
                }
            }
        }
    }
}
