using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Answering;

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

    /// <summary>
    /// Relevance threshold on a passage's raw BM25 score: when no passage reaches it (and none reaches
    /// <see cref="MinDenseScore"/>), the answer says the documents do not cover the question and only offers the nearest
    /// passages. 0 accepts any passage sharing a term with the question.
    /// </summary>
    [Range(0, double.MaxValue)] public double MinLexicalScore { get; set; }

    /// <summary>The same threshold on the dense (cosine) score; unset: any dense hit counts as relevant.</summary>
    [Range(-1.0, 1.0)] public double? MinDenseScore { get; set; }

    /// <summary>How many nearest passages a "not found" answer offers.</summary>
    [Range(0, 10)] public int NearestPassages { get; set; } = 3;
}
