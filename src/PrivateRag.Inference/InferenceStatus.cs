namespace PrivateRag.Inference;

/// <summary>What each model capability is and whether it is on, for health checks and the UI.</summary>
public sealed class InferenceStatus
{
    internal InferenceStatus(ModelsOptions options)
    {
        Chat = new ModelCapabilityStatus(ModelCapability.Chat, options.Chat);
        Embedding = new ModelCapabilityStatus(ModelCapability.Embedding, options.Embedding);
        Reranker = new ModelCapabilityStatus(ModelCapability.Reranker, options.Reranker);
    }

    public ModelCapabilityStatus Chat { get; }

    public ModelCapabilityStatus Embedding { get; }

    /// <summary>A local cross-encoder GGUF used by the app's retrieval (not served by the OpenAI-compatible server).</summary>
    public ModelCapabilityStatus Reranker { get; }

    public IReadOnlyList<ModelCapabilityStatus> All => [Chat, Embedding, Reranker];
}

public static class ModelCapability
{
    public const string Chat = "chat";
    public const string Embedding = "embedding";
    public const string Reranker = "reranker";
}

public static class ModelSource
{
    /// <summary>A GGUF file run in this process.</summary>
    public const string Local = "local";

    /// <summary>An OpenAI-compatible server.</summary>
    public const string Remote = "remote";
}

public sealed class ModelCapabilityStatus
{
    private volatile bool _isLoaded;
    private int _embeddingDimensions;
    private LoadedModelFacts? _loaded;

    internal ModelCapabilityStatus(string capability, ModelOptions options)
    {
        Capability = capability;
        IsConfigured = options.IsConfigured;
        if (!IsConfigured) return;

        Source = options.IsLocal ? ModelSource.Local : ModelSource.Remote;
        ModelName = !string.IsNullOrWhiteSpace(options.ModelName) ? options.ModelName
            : options.IsLocal ? System.IO.Path.GetFileName(options.Path) : null;
        ContextSize = options.ContextSize;
    }

    /// <summary>One of <see cref="ModelCapability"/>.</summary>
    public string Capability { get; }

    public bool IsConfigured { get; }

    /// <summary><see cref="ModelSource.Local"/>, <see cref="ModelSource.Remote"/>, or null when not configured.</summary>
    public string? Source { get; }

    public string? ModelName { get; }

    public uint? ContextSize { get; }

    /// <summary>Local: the weights are in memory. Remote: a request has succeeded.</summary>
    public bool IsLoaded => _isLoaded;

    /// <summary>Known once the model is loaded (local) or has answered once (remote).</summary>
    public int? EmbeddingDimensions => _embeddingDimensions > 0 ? _embeddingDimensions : null;

    /// <summary>What LLamaSharp reported when it loaded the weights; null for a remote model or before loading.</summary>
    public LoadedModelFacts? Loaded => Volatile.Read(ref _loaded);

    internal void MarkLoaded() => _isLoaded = true;

    internal void MarkLoaded(LoadedModelFacts facts)
    {
        Volatile.Write(ref _loaded, facts);
        _isLoaded = true;
    }

    internal void SetEmbeddingDimensions(int dimensions)
    {
        Volatile.Write(ref _embeddingDimensions, dimensions);
        _isLoaded = true;
    }
}

/// <summary>A local model's facts as llama.cpp reports them once the weights are in memory.</summary>
/// <param name="SizeBytes">Bytes of all tensors (what the weights occupy in RAM or VRAM).</param>
/// <param name="Parameters">Parameters in the model.</param>
/// <param name="EmbeddingSize">Width of the model's hidden state (the embedding dimension of an embedding model).</param>
/// <param name="TrainedContext">The context length the model was trained with.</param>
public sealed record LoadedModelFacts(ulong SizeBytes, ulong Parameters, int EmbeddingSize, int TrainedContext);
