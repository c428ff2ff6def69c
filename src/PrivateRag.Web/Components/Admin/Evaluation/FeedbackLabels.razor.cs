using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

/// <remarks>The page gives it a new <c>@key</c> each time a set is opened: labels typed for another set are gone.</remarks>
public partial class FeedbackLabels
{
    private const int MaxRows = 500;

    private readonly Dictionary<Guid, string> _labels = [];

    [Parameter, EditorRequired] public IReadOnlyList<QuestionInfo> Questions { get; set; } = [];

    /// <summary>Document names to suggest (every readable collection's).</summary>
    [Parameter] public IReadOnlyList<string> DocumentNames { get; set; } = [];

    /// <summary>Saves a question's expected sources; true when saved (the typed text is then the question's own).</summary>
    [Parameter, EditorRequired] public Func<QuestionLabel, Task<bool>> OnLabel { get; set; } = default!;

    private string LabelText(QuestionInfo question) => _labels.TryGetValue(question.Id, out var typed) ? typed : question.ExpectedSources ?? "";

    private async Task LabelAsync(Guid questionId)
    {
        if (!_labels.TryGetValue(questionId, out var label)) return;
        if (await OnLabel(new QuestionLabel(questionId, label))) _labels.Remove(questionId);
    }
}

/// <summary>The expected sources typed for one question.</summary>
public sealed record QuestionLabel(Guid QuestionId, string Label);
