using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Inference;

/// <summary>
/// The <c>Models</c> configuration section: which model serves each capability. A capability whose section has
/// neither <see cref="ModelOptions.Path"/> nor <see cref="ModelOptions.Endpoint"/> is off, and the app degrades.
/// </summary>
public sealed class ModelsOptions
{
    public const string Section = "Models";

    public ChatModelOptions Chat { get; set; } = new();

    public EmbeddingModelOptions Embedding { get; set; } = new();

    public ModelOptions Reranker { get; set; } = new();

    /// <summary>
    /// Where the admin page downloads catalogue models (relative to the working directory, like
    /// <c>privaterag models pull --dir</c>, whose default it shares).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string DownloadDirectory { get; set; } = Catalog.ModelFiles.DefaultDirectory;
}

/// <summary>One model: a local GGUF file (<see cref="Path"/>) or an OpenAI-compatible server (<see cref="Endpoint"/>).</summary>
public class ModelOptions
{
    /// <summary>A GGUF file run in-process with LLamaSharp.</summary>
    public string? Path { get; set; }

    /// <summary>Base address of an OpenAI-compatible server, including its version segment (e.g. <c>http://gpu-1:8080/v1</c>).</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The model name sent to a remote server; for a local file, a display name (default: the file name).</summary>
    public string? ModelName { get; set; }

    [Range(64d, 1048576d)]
    public uint ContextSize { get; set; } = 4096;

    /// <summary>Layers offloaded to the GPU (0 = CPU only, -1 = all).</summary>
    [Range(-1, 1000)]
    public int GpuLayers { get; set; }

    [Range(1, 1024)]
    public int? Threads { get; set; }

    [Range(1d, 1048576d)]
    public uint BatchSize { get; set; } = 512;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Path) || !string.IsNullOrWhiteSpace(Endpoint);

    internal bool IsLocal => !string.IsNullOrWhiteSpace(Path);
}

public sealed class ChatModelOptions : ModelOptions
{
    /// <summary>Default when <c>ChatOptions.MaxOutputTokens</c> is not given.</summary>
    [Range(1, 1 << 20)]
    public int MaxOutputTokens { get; set; } = 512;

    /// <summary>Default when <c>ChatOptions.Temperature</c> is not given; 0 samples greedily.</summary>
    [Range(0f, 5f)]
    public float Temperature { get; set; } = 0.2f;
}

public sealed class EmbeddingModelOptions : ModelOptions
{
    /// <summary>Prepended to inputs whose purpose is <see cref="EmbeddingPurpose.Query"/> (e.g. <c>"search_query: "</c>).</summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Prepended to inputs whose purpose is <see cref="EmbeddingPurpose.Document"/> (e.g. <c>"search_document: "</c>).</summary>
    public string? DocumentPrefix { get; set; }

    /// <summary>Scale every vector to unit length (L2), so dot product equals cosine similarity.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>
    /// For a <c>.onnx</c> <see cref="ModelOptions.Path"/>: its WordPiece vocabulary (<c>vocab.txt</c>) or
    /// <c>tokenizer.json</c>. Unset: found beside the model (see <see cref="Onnx.OnnxModelFiles"/>).
    /// </summary>
    public string? TokenizerPath { get; set; }

    /// <summary>
    /// For a <c>.onnx</c> model: <c>mean</c> or <c>cls</c>. Unset: what a sentence-transformers
    /// <c>1_Pooling/config.json</c> beside the model says, else <c>mean</c>. (A GGUF declares its own pooling.)
    /// </summary>
    public string? Pooling { get; set; }

    /// <summary>
    /// For a <c>.onnx</c> model: tokens per input, special tokens included; longer inputs are truncated. Unset: the
    /// <c>max_seq_length</c> of a <c>sentence_bert_config.json</c> beside the model, else 512.
    /// </summary>
    [Range(8, 8192)]
    public int? MaxTokens { get; set; }

    internal bool IsOnnx => IsLocal && Onnx.OnnxModelFiles.IsOnnx(Path!);
}

/// <summary>
/// What an embedding input is for, carried in <c>EmbeddingGenerationOptions.AdditionalProperties[Key]</c>.
/// Asymmetric embedding models need a different prefix for queries and for the documents they search.
/// </summary>
public static class EmbeddingPurpose
{
    public const string Key = "input_type";
    public const string Query = "query";
    public const string Document = "document";
}
