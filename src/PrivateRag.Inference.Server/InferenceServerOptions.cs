using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Inference.Server;

/// <summary>
/// <c>Inference:Server</c>: the limits of the OpenAI-compatible API. A GPU node is shared by every app and script that
/// holds a key, so no single caller may make it read an unbounded body, run without limit or take more turns.
/// </summary>
public sealed class InferenceServerOptions
{
    public const string Section = "Inference:Server";

    /// <summary>Largest request body; a larger one is refused with 413 before it is read (a 4,096-token prompt is ~20 KB).</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per minute per API key; past it, 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinutePerKey { get; set; } = 600;

    /// <summary>Most inputs in one <c>/v1/embeddings</c> call.</summary>
    [Range(1, 100_000)]
    public int MaxEmbeddingInputs { get; set; } = 2048;
}
