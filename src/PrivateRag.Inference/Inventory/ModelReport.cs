using PrivateRag.Inference.Gguf;

namespace PrivateRag.Inference.Inventory;

/// <summary>One capability's model as the admin page shows it: configuration, file facts, load state and memory.</summary>
public sealed record ModelReport
{
    /// <summary>One of <see cref="ModelCapability"/>.</summary>
    public required string Capability { get; init; }

    public required bool IsConfigured { get; init; }

    /// <summary><see cref="ModelSource.Local"/>, <see cref="ModelSource.Remote"/>, or null when not configured.</summary>
    public string? Source { get; init; }

    public string? ModelName { get; init; }

    /// <summary>The GGUF file of a local model, as configured.</summary>
    public string? Path { get; init; }

    /// <summary>The server of a remote model.</summary>
    public string? Endpoint { get; init; }

    public bool IsLoaded { get; init; }

    /// <summary>False when configured in a way this version does not use (a reranker without a local Path).</summary>
    public bool IsServed { get; init; } = true;

    /// <summary>Tokens one sequence (conversation, or embedding input) may hold.</summary>
    public uint ContextSize { get; init; }

    /// <summary>Sequences whose KV cache is reserved together (the chat scheduler's MaxConcurrent; 1 otherwise).</summary>
    public int Sequences { get; init; } = 1;

    /// <summary>CPU threads; null: llama.cpp's default (the machine's cores).</summary>
    public int? Threads { get; init; }

    /// <summary>Layers offloaded to the GPU: 0 CPU only, -1 all.</summary>
    public int GpuLayers { get; init; }

    public uint BatchSize { get; init; }

    public long? FileBytes { get; init; }

    /// <summary>The GGUF header's facts, when the local file could be read.</summary>
    public GgufModelInfo? Gguf { get; init; }

    /// <summary>Why the header could not be read.</summary>
    public string? GgufError { get; init; }

    /// <summary>What LLamaSharp reported on load.</summary>
    public LoadedModelFacts? Loaded { get; init; }

    /// <summary>Estimated KV cache: sequences x context x bytes per token (f16), when the header tells the shape.</summary>
    public long? KvCacheBytes { get; init; }

    public int? EmbeddingDimensions { get; init; }

    /// <summary>Weights (as loaded, else the file size) plus the KV cache estimate; compute buffers come on top.</summary>
    public long? MemoryBytes => (Loaded is { } loaded ? (long)loaded.SizeBytes : FileBytes) is { } weights
        ? weights + (KvCacheBytes ?? 0)
        : null;
}
