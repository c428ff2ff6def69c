namespace PrivateRag.Inference.Local;

/// <summary>
/// Generates a continuation of an already formatted prompt, token by token. The seam between the chat client and the
/// way requests share the model (<see cref="BatchingTokenGenerator"/>: continuous batching with a fair, bounded queue),
/// apart from prompt formatting, stop strings and usage.
/// </summary>
internal interface ITokenGenerator
{
    /// <summary>
    /// Yields one step per generated token (its text may be empty while a multi-byte character is incomplete), then a
    /// final step whose <see cref="GenerationStep.Stop"/> says why generation ended. Stopping enumeration early ends the
    /// request and frees its resources; cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    IAsyncEnumerable<GenerationStep> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);
}

internal sealed record GenerationRequest(string Prompt, int MaxOutputTokens, float Temperature)
{
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public uint? Seed { get; init; }
    public float? FrequencyPenalty { get; init; }
    public float? PresencePenalty { get; init; }

    /// <summary>Whose request this is, for fairness between users; null shares one anonymous user.</summary>
    public string? User { get; init; }

    /// <summary>Told where the request stands while it waits for a sequence.</summary>
    public IProgress<Scheduling.QueuePosition>? QueueProgress { get; init; }
}

internal enum GenerationStop
{
    /// <summary>The model produced an end-of-generation token (EOS/EOT).</summary>
    EndOfGeneration,

    /// <summary>The request's output token limit was reached.</summary>
    MaxOutputTokens,

    /// <summary>The context window is full.</summary>
    ContextFull,
}

/// <param name="Text">Text decoded from this token; empty for the final step.</param>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="OutputTokens">Tokens generated so far, including this one.</param>
/// <param name="Stop">Set on the final step only.</param>
internal readonly record struct GenerationStep(string Text, int PromptTokens, int OutputTokens, GenerationStop? Stop);
