using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Answers;

/// <summary>The <c>Answers</c> section: how many sources go into an answer and how much text they may take.</summary>
public sealed class AnswerOptions
{
    public const string Section = "Answers";

    [Range(1, 20)] public int MaxSources { get; set; } = 6;

    /// <summary>Budget for source text in the prompt, in tokens (counted with the model's tokenizer when available).</summary>
    [Range(100, 1_000_000)] public int MaxSourceTokens { get; set; } = 2500;

    /// <summary>How many earlier turns of the conversation the model sees.</summary>
    [Range(0, 50)] public int HistoryTurns { get; set; } = 4;

    /// <summary>Sentences an extractive answer quotes.</summary>
    [Range(1, 10)] public int ExtractiveSentences { get; set; } = 3;

    [Range(1, 100_000)] public int MaxQuestionChars { get; set; } = 4000;
}
