using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference.Gguf;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference.Inventory;

/// <summary>
/// Describes the configured chat, embedding and reranker models for the admin page: what is configured, the GGUF
/// header's facts (read without loading the weights, cached per file version), whether the weights are loaded and what
/// they and their KV cache take in memory. Cheap enough to call every second.
/// </summary>
public sealed class ModelInventory
{
    private readonly ModelsOptions _models;
    private readonly InferenceStatus _status;
    private readonly InferenceOptions _inference;
    private readonly IChatSchedulerStatus? _scheduler;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (DateTime Written, long Length, GgufModelInfo? Info, string? Error)> _headers = new();

    public ModelInventory(ModelsOptions models, InferenceStatus status, InferenceOptions inference, IChatSchedulerStatus? scheduler, ILogger<ModelInventory> logger)
    {
        _models = models;
        _status = status;
        _inference = inference;
        _scheduler = scheduler;
        _logger = logger;
    }

    /// <summary>The local chat model's scheduler (active sequences, queue), or null when no local chat model is configured.</summary>
    public IChatSchedulerStatus? Scheduler => _scheduler;

    public IReadOnlyList<ModelReport> Describe() =>
    [
        Describe(_models.Chat, _status.Chat, _scheduler?.MaxConcurrent ?? _inference.Chat.MaxConcurrent),
        Describe(_models.Embedding, _status.Embedding, 1),
        Describe(_models.Reranker, _status.Reranker, 1) with { IsServed = _models.Reranker.IsLocal }, // retrieval uses local rerankers only
    ];

    private ModelReport Describe(ModelOptions options, ModelCapabilityStatus status, int sequences)
    {
        var report = new ModelReport
        {
            Capability = status.Capability,
            IsConfigured = status.IsConfigured,
            Source = status.Source,
            ModelName = status.ModelName,
            IsLoaded = status.IsLoaded,
            ContextSize = options.ContextSize,
            Threads = options.Threads,
            GpuLayers = options.GpuLayers,
            BatchSize = options.BatchSize,
            EmbeddingDimensions = status.EmbeddingDimensions,
        };
        if (!status.IsConfigured) return report;
        if (!options.IsLocal) return report with { Endpoint = ConfigurationKeys.RedactUserInfo(options.Endpoint) };

        var path = options.Path!;
        // An ONNX embedder has no GGUF header to describe; its dimension comes from the loaded session.
        var (info, error) = Onnx.OnnxModelFiles.IsOnnx(path) ? (null, null) : ReadHeader(path);
        var loaded = status.Loaded;
        var perToken = info?.KvCacheBytesPerToken;
        return report with
        {
            Path = path,
            Sequences = sequences,
            FileBytes = File.Exists(path) ? new FileInfo(path).Length : null,
            Gguf = info,
            GgufError = error,
            Loaded = loaded,
            KvCacheBytes = perToken * options.ContextSize * sequences,
            EmbeddingDimensions = status.EmbeddingDimensions
                ?? (status.Capability == ModelCapability.Embedding ? loaded?.EmbeddingSize ?? (int?)info?.EmbeddingLength : null),
        };
    }

    private (GgufModelInfo? Info, string? Error) ReadHeader(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists) return (null, $"'{path}' does not exist.");
            if (_headers.TryGetValue(path, out var cached) && cached.Written == file.LastWriteTimeUtc && cached.Length == file.Length)
                return (cached.Info, cached.Error);

            GgufModelInfo? info = null;
            string? error = null;
            try
            {
                info = GgufModelInfo.Read(path);
            }
            catch (InvalidDataException e)
            {
                error = e.Message;
            }

            _headers[path] = (file.LastWriteTimeUtc, file.Length, info, error);
            return (info, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Reading the GGUF header of {Path} failed", path);
            return (null, e.Message);
        }
    }
}
