using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Inference;

/// <summary>
/// The <c>Inference</c> configuration section: how the local chat model is shared between requests, and the API keys
/// the OpenAI-compatible server accepts.
/// </summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Keys accepted as <c>Authorization: Bearer KEY</c> on <c>/v1/...</c> of the inference server. None: every call is refused.</summary>
    public string[] ApiKeys { get; set; } = [];

    public ChatSchedulerOptions Chat { get; set; } = new();
}

/// <summary><c>Inference:Chat</c>: continuous batching of local chat generation.</summary>
public sealed class ChatSchedulerOptions
{
    /// <summary>Conversations generated together in one batch; each has its own sequence of <c>Models:Chat:ContextSize</c> tokens in the KV cache.</summary>
    [Range(1, 256)]
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>Requests that may wait for a free sequence; past this, requests are refused with <see cref="Scheduling.InferenceBusyException"/>.</summary>
    [Range(0, 100_000)]
    public int MaxQueue { get; set; } = 64;

    /// <summary>
    /// Most prompt tokens processed per step while other conversations are generating, so a long prompt delays running
    /// streams by one slice per token rather than by the whole prompt. When nothing is generating, prompts go at full batch size.
    /// </summary>
    [Range(16, 8192)]
    public int PrefillSliceTokens { get; set; } = 128;

    /// <summary>The Retry-After given to refused callers before the scheduler has measured how long a request takes.</summary>
    [Range(1, 3600)]
    public int DefaultRetryAfterSeconds { get; set; } = 5;
}
