using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

/// <remarks>The page gives it a new <c>@key</c> each time a set is opened: the choices start again from the set's own collection.</remarks>
public partial class RunStarter
{
    private readonly HashSet<Guid> _collections = [];
    private bool _includeAnswers = true;
    private bool _initialised;

    [Parameter, EditorRequired] public QuestionSetSummary Set { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<CollectionSummary> Collections { get; set; } = [];

    /// <summary>The run that is queued or running, if any: no second one meanwhile.</summary>
    [Parameter] public RunSummary? ActiveRun { get; set; }

    [Parameter] public bool Busy { get; set; }

    [Parameter] public EventCallback<RunChoice> OnStart { get; set; }

    /// <summary>Stop the active run (its id).</summary>
    [Parameter] public EventCallback<Guid> OnCancel { get; set; }

    protected override void OnParametersSet()
    {
        if (_initialised) return;
        _initialised = true;
        if (Set.CollectionId is { } own) _collections.Add(own);
    }

    private void Toggle(Guid collectionId, bool on)
    {
        if (on) _collections.Add(collectionId);
        else _collections.Remove(collectionId);
    }

    private Task StartAsync() => OnStart.InvokeAsync(new RunChoice(_collections.ToList(), _includeAnswers));
}

/// <summary>What a run is asked to do: search these collections and, if so, answer each question too.</summary>
public sealed record RunChoice(IReadOnlyList<Guid> Collections, bool IncludeAnswers);
