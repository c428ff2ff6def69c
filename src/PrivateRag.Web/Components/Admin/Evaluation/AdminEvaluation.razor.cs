using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using PrivateRag.Core;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class AdminEvaluation : IDisposable
{
    private const long MaxUploadBytes = 20 * 1024 * 1024;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private QuestionSetService Sets { get; set; } = default!;

    [Inject] private EvaluationRunService Runs { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private ILogger<AdminEvaluation> Logger { get; set; } = default!;

    /// <summary>How often the page reloads the runs while one is queued or running.</summary>
    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<CollectionSummary> _collections = [];
    private IReadOnlyList<QuestionSetSummary> _sets = [];
    private QuestionSetDetail? _selected;
    private int _opened;
    private IReadOnlyList<RunSummary> _runs = [];
    private RunDetail? _run;
    private IReadOnlyList<string> _documentNames = [];
    private bool _busy;
    private string? _error;
    private string? _message;
    private RefreshLoop? _refresh;

    private RunSummary? ActiveRun => _runs.LastOrDefault(r => r.IsActive);

    protected override async Task OnInitializedAsync()
    {
        await Guarded(async () =>
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            _collections = await Collections.ListReadableAsync(who, _disposed.Token);
            _sets = await Sets.ListAsync(await CallerAsync(), _disposed.Token);
            if (_sets.Count > 0) await SelectAsync(_sets[0].Id);
        }, "Loading the evaluation page failed");
    }

    /// <summary>Opens a set: its runs, and for a set made from feedback its questions to label.</summary>
    private async Task SelectAsync(Guid setId)
    {
        if (!await Guarded(() => Task.CompletedTask, "Checking the caller failed")) return;
        _run = null;
        _opened++; // the run choices and typed labels start again
        _selected = await Sets.GetAsync(await CallerAsync(), setId, _disposed.Token);
        if (_selected?.Set.Kind == QuestionSetKind.Feedback)
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in _collections)
            {
                foreach (var d in await Documents.ListAsync(c.Id, who, _disposed.Token)) names.Add(d.Name);
            }
            _documentNames = names.ToList();
        }
        await LoadRunsAsync();
    }

    private async Task LoadRunsAsync()
    {
        if (_selected is null) return;
        _runs = await Runs.ListAsync(await CallerAsync(), _selected.Set.Id, _disposed.Token);
        EnsurePolling();
    }

    /// <summary>Reloads the runs while one is queued or running; the loop ends by itself when none is.</summary>
    private void EnsurePolling()
    {
        if (ActiveRun is null || _disposed.IsCancellationRequested) return;
        _refresh ??= new RefreshLoop(InvokeAsync, async () =>
        {
            await Guarded(async () =>
            {
                if (_selected is null) return;
                _runs = await Runs.ListAsync(await CallerAsync(), _selected.Set.Id, _disposed.Token);
            }, "Refreshing the runs failed");
            StateHasChanged();
            return ActiveRun is not null;
        });
        _refresh.Start(RefreshInterval);
    }

    private async Task<bool> AddSetAsync(NewQuestionSet form)
    {
        if (_busy) return false;
        return await Rendered(Busy(async () =>
        {
            QuestionSetSummary set;
            if (form.Csv is { } csvFile)
            {
                await using var csv = await ReadAsync(csvFile);
                set = await Sets.ImportCsvAsync(await CallerAsync(), form.Name, form.CollectionId, csv, csvFile.Name, _disposed.Token);
            }
            else
            {
                await using var queries = await ReadAsync(form.Queries!);
                await using var qrels = await ReadAsync(form.Qrels!);
                set = await Sets.ImportBeirAsync(await CallerAsync(), form.Name, form.CollectionId, queries, form.Queries!.Name, qrels, form.Qrels!.Name, _disposed.Token);
            }
            await AddedAsync(set);
        }, "Adding a question set failed"));
    }

    private async Task<bool> CreateFromFeedbackAsync(NewQuestionSet form)
    {
        if (_busy) return false;
        return await Rendered(Busy(async () =>
        {
            var set = await Sets.CreateFromFeedbackAsync(await CallerAsync(), form.Name, form.CollectionId == Guid.Empty ? null : form.CollectionId, _disposed.Token);
            await AddedAsync(set);
        }, "Creating a question set from feedback failed"));
    }

    private async Task AddedAsync(QuestionSetSummary set)
    {
        _message = L["EvalSetAdded", set.Name, set.Questions];
        _sets = await Sets.ListAsync(await CallerAsync(), _disposed.Token);
        await SelectAsync(set.Id);
    }

    /// <summary>The upload, read whole into memory (bounded): the importers read it more than once.</summary>
    private async Task<MemoryStream> ReadAsync(IBrowserFile file)
    {
        if (file.Size > MaxUploadBytes) throw new InvalidRequestException(L["LargerThanLimit", "20 MB"]);
        var copy = new MemoryStream();
        await using (var stream = file.OpenReadStream(MaxUploadBytes, _disposed.Token)) await stream.CopyToAsync(copy, _disposed.Token);
        copy.Position = 0;
        return copy;
    }

    private async Task DeleteSetAsync(QuestionSetSummary set)
    {
        await Busy(async () =>
        {
            await Sets.DeleteAsync(await CallerAsync(), set.Id, _disposed.Token);
            if (_selected?.Set.Id == set.Id)
            {
                _selected = null;
                _runs = [];
                _run = null;
            }
            _sets = await Sets.ListAsync(await CallerAsync(), _disposed.Token);
        }, "Deleting a question set failed");
    }

    private async Task<bool> LabelAsync(QuestionLabel label)
    {
        if (_selected is null) return false;
        return await Rendered(Busy(async () =>
        {
            await Sets.LabelAsync(await CallerAsync(), label.QuestionId, label.Label, _disposed.Token);
            _selected = await Sets.GetAsync(await CallerAsync(), _selected.Set.Id, _disposed.Token);
            _sets = await Sets.ListAsync(await CallerAsync(), _disposed.Token);
            _message = L["EvalLabelSaved"];
        }, "Labelling a question failed"));
    }

    private async Task StartRunAsync(RunChoice choice)
    {
        if (_selected is null || _busy) return;
        await Busy(async () =>
        {
            await Runs.StartAsync(await CallerAsync(), new StartRunRequest(_selected.Set.Id, choice.Collections, choice.IncludeAnswers), _disposed.Token);
            await LoadRunsAsync();
        }, "Starting an evaluation run failed");
    }

    private async Task CancelRunAsync(Guid runId)
    {
        await Busy(async () =>
        {
            await Runs.CancelAsync(await CallerAsync(), runId, _disposed.Token);
            await LoadRunsAsync();
        }, "Cancelling an evaluation run failed");
    }

    private async Task OpenRunAsync(Guid runId)
    {
        await Guarded(async () => _run = await Runs.GetAsync(await CallerAsync(), runId, _disposed.Token), "Loading an evaluation run failed");
    }

    /// <summary>Runs <paramref name="work"/> with the page busy and the last message gone; true when it did not fail.</summary>
    private async Task<bool> Busy(Func<Task> work, string failure)
    {
        _busy = true;
        _error = null;
        _message = null;
        StateHasChanged(); // busy now, also when a child's form (not an event of this page) started the work
        try
        {
            return await Guarded(work, failure);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Runs <paramref name="work"/>; a failure becomes the page's error (logged when unexpected). True when it did not fail.</summary>
    private async Task<bool> Guarded(Func<Task> work, string failure)
    {
        try
        {
            await RequireAdminAsync();
            await work();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "{Failure}", failure);
            _error = UserMessages.For(e);
            return false;
        }
    }

    /// <summary>The caller now, for every service call: the services check the role themselves.</summary>
    private Task<PrivateRag.Core.Access.AccessContext> CallerAsync() => CurrentUser.RequireAsync(_disposed.Token);

    /// <summary>
    /// Checked before every action as well (not only the page's attribute when it opened), so a demoted admin's open
    /// page stops with the page's own message before any service is asked.
    /// </summary>
    private async Task RequireAdminAsync()
    {
        if (!(await CurrentUser.RequireAsync(_disposed.Token)).IsAdmin)
            throw new PrivateRag.Core.ForbiddenException("Evaluation is for administrators.");
    }

    /// <summary>
    /// The forms of <see cref="QuestionSetForm"/> and <see cref="FeedbackLabels"/> call this page through a
    /// <c>Func</c> (they need the result), which does not re-render the page the way an event callback does.
    /// </summary>
    private async Task<bool> Rendered(Task<bool> work)
    {
        var done = await work;
        StateHasChanged();
        return done;
    }

    public void Dispose()
    {
        _refresh?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
