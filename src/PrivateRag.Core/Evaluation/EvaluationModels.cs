using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Evaluation;

/// <param name="Labelled">Questions with at least one expected source (only these are evaluated).</param>
public sealed record QuestionSetSummary(Guid Id, string Name, QuestionSetKind Kind, Guid? CollectionId, string? CollectionName,
    int Questions, int Labelled, DateTimeOffset CreatedAt);

public sealed record QuestionInfo(Guid Id, int Position, string? ExternalId, string Text, string? ExpectedSources, string? ReferenceAnswer, string? Note);

public sealed record QuestionSetDetail(QuestionSetSummary Set, IReadOnlyList<QuestionInfo> Questions);

/// <param name="CollectionIds">Null or empty: the set's own collection.</param>
/// <param name="IncludeAnswers">False: retrieval metrics only, no answers are generated (fast).</param>
public sealed record StartRunRequest(Guid SetId, IReadOnlyList<Guid>? CollectionIds = null, bool IncludeAnswers = true);

/// <summary>A run's state and averages; the metrics are null until it completes, and answer metrics stay null without answers.</summary>
public sealed record RunSummary(
    Guid Id, Guid SetId, EvaluationRunStatus Status, IReadOnlyList<Guid> CollectionIds, bool IncludeAnswers,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Done, int Total, int Questions,
    string? Mode, string? StartedBy, string? Error,
    double? Ndcg10, double? Recall10, double? Mrr10, double? CitesExpected, double? SourcesIncludeExpected, double? NotFoundRate)
{
    public bool IsActive => Status is EvaluationRunStatus.Queued or EvaluationRunStatus.Running;
}

public sealed record RunItemInfo(int Position, string Question, string Expected, double? Ndcg10, double? Recall10, double? Mrr10,
    bool? CitesExpected, bool? SourcesIncludeExpected, bool? NotFound, string? CitedDocuments, string? Answer, double Ms);

public sealed record RunDetail(RunSummary Run, string? SettingsJson, IReadOnlyList<RunItemInfo> Items);

/// <summary>What a run ran under, kept with it so a change in quality can be traced to a change in settings.</summary>
public sealed record RunSettings(
    string AnswerMode, string? EmbeddingModel, bool Hybrid, string Index, int Documents, int Chunks,
    Retrieval.RetrievalOptions Retrieval, Answering.AnswerOptions Answers);

internal static class EvaluationMapping
{
    public static RunSummary ToSummary(this EvaluationRun r) => new(
        r.Id, r.SetId, r.Status, ParseIds(r.CollectionIds), r.IncludeAnswers, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Done, r.Total,
        r.Questions, r.Mode, r.StartedBy, r.Error, r.Ndcg10, r.Recall10, r.Mrr10, r.CitesExpected, r.SourcesIncludeExpected, r.NotFoundRate);

    public static RunItemInfo ToInfo(this EvaluationRunItem i) => new(
        i.Position, i.Question, i.Expected, i.Ndcg10, i.Recall10, i.Mrr10, i.CitesExpected, i.SourcesIncludeExpected, i.NotFound,
        i.CitedDocuments, i.Answer, i.Ms);

    public static QuestionInfo ToInfo(this EvaluationQuestion q) =>
        new(q.Id, q.Position, q.ExternalId, q.Text, q.ExpectedSources, q.ReferenceAnswer, q.Note);

    public static IReadOnlyList<Guid> ParseIds(string ids) =>
        ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();

    public static string JoinIds(IEnumerable<Guid> ids) => string.Join(",", ids.Select(id => id.ToString("D")));
}
