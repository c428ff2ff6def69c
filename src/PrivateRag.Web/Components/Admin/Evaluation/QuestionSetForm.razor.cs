using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class QuestionSetForm
{
    private string? _name;
    private Guid _collection;
    private QuestionSetKind _format = QuestionSetKind.Csv;
    private IBrowserFile? _csvFile;
    private IBrowserFile? _queriesFile;
    private IBrowserFile? _qrelsFile;

    [Parameter, EditorRequired] public IReadOnlyList<CollectionSummary> Collections { get; set; } = [];

    /// <summary>True while the page works on something: no second submit meanwhile.</summary>
    [Parameter] public bool Busy { get; set; }

    /// <summary>Imports the uploaded set; true when it was added (the form then clears for the next one).</summary>
    [Parameter, EditorRequired] public Func<NewQuestionSet, Task<bool>> OnAdd { get; set; } = default!;

    /// <summary>Makes a set from thumbs-down answers (name, collection or none); true when it was added.</summary>
    [Parameter, EditorRequired] public Func<NewQuestionSet, Task<bool>> OnFromFeedback { get; set; } = default!;

    private bool CanAdd => !string.IsNullOrWhiteSpace(_name) && _collection != Guid.Empty
        && (_format == QuestionSetKind.Csv ? _csvFile is not null : _queriesFile is not null && _qrelsFile is not null);

    protected override void OnParametersSet()
    {
        // The first collection until the admin picks another.
        if (_collection == Guid.Empty) _collection = Collections.FirstOrDefault()?.Id ?? Guid.Empty;
    }

    private async Task AddAsync()
    {
        if (!CanAdd || Busy) return;
        var set = _format == QuestionSetKind.Csv
            ? new NewQuestionSet(_name!, _collection, _format, _csvFile, null, null)
            : new NewQuestionSet(_name!, _collection, _format, null, _queriesFile, _qrelsFile);
        if (await OnAdd(set)) Clear();
    }

    private async Task FromFeedbackAsync()
    {
        if (string.IsNullOrWhiteSpace(_name) || Busy) return;
        if (await OnFromFeedback(new NewQuestionSet(_name, _collection, QuestionSetKind.Feedback, null, null, null))) Clear();
    }

    private void Clear()
    {
        _name = null;
        _csvFile = _queriesFile = _qrelsFile = null;
    }
}

/// <summary>What the form says about a new set: its name and collection and, for an upload, the files.</summary>
public sealed record NewQuestionSet(
    string Name, Guid CollectionId, QuestionSetKind Kind, IBrowserFile? Csv, IBrowserFile? Queries, IBrowserFile? Qrels);
