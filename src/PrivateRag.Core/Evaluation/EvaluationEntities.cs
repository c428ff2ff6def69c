using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Evaluation;

/// <summary>Where a question set came from; it decides how a question's expected sources are read.</summary>
public enum QuestionSetKind { Beir, Csv, Feedback }

/// <summary>A named list of questions with the sources a right answer uses, kept so runs can be compared over time.</summary>
public sealed class QuestionSet
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public QuestionSetKind Kind { get; set; }
    /// <summary>The collection the set was made for (the default scope of its runs); null once that collection is deleted.</summary>
    public Guid? CollectionId { get; set; }
    public List<EvaluationQuestion> Questions { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public sealed class EvaluationQuestion
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SetId { get; set; }
    /// <summary>Order within the set (0-based), as in the uploaded file.</summary>
    public int Position { get; set; }
    /// <summary>The BEIR query id; null for other kinds.</summary>
    public string? ExternalId { get; set; }
    public required string Text { get; set; }
    /// <summary>
    /// Documents a right answer cites: names or globs such as <c>*AAPL*</c>, comma-separated. Null for a question
    /// taken from feedback that nobody has labelled yet; such questions are left out of runs.
    /// </summary>
    public string? ExpectedSources { get; set; }
    /// <summary>BEIR only: the query's qrels as JSON, corpus-id to grade (grades of 0 or less are judged not relevant).</summary>
    public string? JudgementsJson { get; set; }
    public string? ReferenceAnswer { get; set; }
    /// <summary>Feedback only: the comment given with the thumbs-down, to help whoever labels the question.</summary>
    public string? Note { get; set; }
}

public enum EvaluationRunStatus { Queued, Running, Completed, Failed, Cancelled }

/// <summary>One evaluation of a question set against some collections, with the settings it ran under and its averages.</summary>
public sealed class EvaluationRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SetId { get; set; }
    /// <summary>The collections searched, comma-separated ids.</summary>
    public required string CollectionIds { get; set; }
    /// <summary>False: retrieval metrics only (no answers are generated).</summary>
    public bool IncludeAnswers { get; set; } = true;
    public EvaluationRunStatus Status { get; set; } = EvaluationRunStatus.Queued;
    public string? StartedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Written while the run makes progress; a running run without one for a while was cut off by a restart.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    /// <summary>Steps of work: one per judged query for retrieval plus one per question answered.</summary>
    public int Total { get; set; }
    public int Done { get; set; }
    public string? Error { get; set; }
    /// <summary>How answers were made: the chat model's name or "extractive".</summary>
    public string? Mode { get; set; }
    /// <summary>The settings the run used (models, retrieval and answer options, index), as JSON.</summary>
    public string? SettingsJson { get; set; }
    /// <summary>Questions evaluated (labelled, with at least one expected source).</summary>
    public int Questions { get; set; }
    public double? Ndcg10 { get; set; }
    public double? Recall10 { get; set; }
    public double? Mrr10 { get; set; }
    public double? CitesExpected { get; set; }
    public double? SourcesIncludeExpected { get; set; }
    public double? NotFoundRate { get; set; }
    public List<EvaluationRunItem> Items { get; set; } = [];
}

/// <summary>One question's outcome in one run, for drill-down. The question is copied: later relabelling does not rewrite history.</summary>
public sealed class EvaluationRunItem
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RunId { get; set; }
    public int Position { get; set; }
    public required string Question { get; set; }
    public required string Expected { get; set; }
    public double? Ndcg10 { get; set; }
    public double? Recall10 { get; set; }
    public double? Mrr10 { get; set; }
    public bool? CitesExpected { get; set; }
    public bool? SourcesIncludeExpected { get; set; }
    public bool? NotFound { get; set; }
    /// <summary>Documents the answer cited, comma-separated.</summary>
    public string? CitedDocuments { get; set; }
    public string? Answer { get; set; }
    public double Ms { get; set; }
}
