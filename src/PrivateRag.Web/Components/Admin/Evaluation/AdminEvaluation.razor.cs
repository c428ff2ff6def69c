using System.Net.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Account;
using PrivateRag.Web.Components.Admin.Analytics;
using PrivateRag.Web.Components.Admin.Audit;
using PrivateRag.Web.Components.Admin.Collections;
using PrivateRag.Web.Components.Admin.Evaluation;
using PrivateRag.Web.Components.Admin.Explain;
using PrivateRag.Web.Components.Admin.Models;
using PrivateRag.Web.Components.Admin.Widget;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Layout;
using PrivateRag.Web.Components.Shared;
using PrivateRag.Web.Components.Sources;
using PrivateRag.Web.Components.Widget;
using PrivateRag.Web.Resources;
using static Microsoft.AspNetCore.Components.Web.RenderMode;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class AdminEvaluation : IDisposable
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private QuestionSetService Sets { get; set; } = default!;

    [Inject] private EvaluationRunService Runs { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private ILogger<AdminEvaluation> Logger { get; set; } = default!;

    private const long MaxUploadBytes = 20 * 1024 * 1024;
    private const int MaxLabelRows = 500;

    /// <summary>How often the page reloads the runs while one is queued or running.</summary>
    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<CollectionSummary> _collections = [];
    private IReadOnlyList<QuestionSetSummary> _sets = [];
    private QuestionSetDetail? _selected;
    private IReadOnlyList<RunSummary> _runs = [];
    private RunDetail? _run;
    private IReadOnlyList<string> _documentNames = [];
    private readonly HashSet<Guid> _runCollections = [];
    private readonly Dictionary<Guid, string> _labels = [];
    private bool _includeAnswers = true;
    private string? _newName;
    private Guid _newCollection;
    private QuestionSetKind _newFormat = QuestionSetKind.Csv;
    private IBrowserFile? _csvFile;
    private IBrowserFile? _queriesFile;
    private IBrowserFile? _qrelsFile;
    private Guid? _confirmDelete;
    private bool _busy;
    private string? _error;
    private string? _message;
    private RefreshLoop? _refresh;
    private List<ChartSeries<double>> _series = [];
    private string[] _chartLabels = [];

    /// <summary>Line colours with at least 3:1 contrast on both the light and the dark background.</summary>
    private static readonly string[] Palette = ["#1E88E5", "#00897B", "#AB47BC", "#F4511E", "#558B2F", "#E53935"];

    private readonly LineChartOptions _chartOptions = new()
    {
        ChartPalette = Palette,
        ShowLegend = false,
        YAxisSuggestedMax = 100,
        YAxisRequireZeroPoint = true,
        YAxisTicks = 20,
        YAxisFormat = "0",
        ShowDataMarkers = true,
        LineStrokeWidth = 2,
    };

    private bool CanAddSet => !string.IsNullOrWhiteSpace(_newName) && _newCollection != Guid.Empty
        && (_newFormat == QuestionSetKind.Csv ? _csvFile is not null : _queriesFile is not null && _qrelsFile is not null);

    private RunSummary? ActiveRun => _runs.LastOrDefault(r => r.IsActive);

    private List<RunSummary> CompletedRuns => _runs.Where(r => r.Status == EvaluationRunStatus.Completed).ToList();

    protected override async Task OnInitializedAsync()
    {
        await Guarded(async () =>
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            _collections = await Collections.ListReadableAsync(who, _disposed.Token);
            _newCollection = _collections.FirstOrDefault()?.Id ?? Guid.Empty;
            _sets = await Sets.ListAsync(_disposed.Token);
            if (_sets.Count > 0) await SelectAsync(_sets[0].Id);
        }, "Loading the evaluation page failed");
    }

    private async Task SelectAsync(Guid setId)
    {
        _run = null;
        _labels.Clear();
        _selected = await Sets.GetAsync(setId, _disposed.Token);
        _runCollections.Clear();
        if (_selected?.Set.CollectionId is { } own) _runCollections.Add(own);
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
        _runs = await Runs.ListAsync(_selected.Set.Id, _disposed.Token);
        BuildChart();
        EnsurePolling();
    }

    /// <summary>One line per metric, in percent, one point per completed run (a missing metric leaves a gap).</summary>
    private void BuildChart()
    {
        var runs = CompletedRuns;
        var numbers = _runs.Select((r, i) => (r.Id, N: i + 1)).ToDictionary(x => x.Id, x => x.N);
        _chartLabels = runs.Select(r => $"#{numbers[r.Id]}").ToArray();
        _series =
        [
            Series("nDCG@10", runs, r => r.Ndcg10),
            Series("Recall@10", runs, r => r.Recall10),
            Series("MRR@10", runs, r => r.Mrr10),
            Series(L["EvalCites"], runs, r => r.CitesExpected),
            Series(L["EvalSourcesInclude"], runs, r => r.SourcesIncludeExpected),
            Series(L["EvalNotFound"], runs, r => r.NotFoundRate),
        ];
    }

    private static ChartSeries<double> Series(string name, List<RunSummary> runs, Func<RunSummary, double?> metric) => new()
    {
        Name = name,
        Data = runs.Select(r => metric(r) is { } v ? Math.Round(v * 100, 1) : (double?)null).ToArray(),
    };

    /// <summary>Reloads the runs while one is queued or running; the loop ends by itself when none is.</summary>
    private void EnsurePolling()
    {
        if (ActiveRun is null || _disposed.IsCancellationRequested) return;
        _refresh ??= new RefreshLoop(InvokeAsync, async () =>
        {
            await Guarded(async () =>
            {
                if (_selected is null) return;
                _runs = await Runs.ListAsync(_selected.Set.Id, _disposed.Token);
                BuildChart();
            }, "Refreshing the runs failed");
            StateHasChanged();
            return ActiveRun is not null;
        });
        _refresh.Start(RefreshInterval);
    }

    private async Task AddSetAsync()
    {
        if (!CanAddSet || _busy) return;
        await Busy(async () =>
        {
            QuestionSetSummary set;
            if (_newFormat == QuestionSetKind.Csv)
            {
                await using var csv = await ReadAsync(_csvFile!);
                set = await Sets.ImportCsvAsync(_newName!, _newCollection, csv, _csvFile!.Name, _disposed.Token);
            }
            else
            {
                await using var queries = await ReadAsync(_queriesFile!);
                await using var qrels = await ReadAsync(_qrelsFile!);
                set = await Sets.ImportBeirAsync(_newName!, _newCollection, queries, _queriesFile!.Name, qrels, _qrelsFile!.Name, _disposed.Token);
            }
            await AddedAsync(set);
        }, "Adding a question set failed");
    }

    private async Task CreateFromFeedbackAsync()
    {
        if (string.IsNullOrWhiteSpace(_newName) || _busy) return;
        await Busy(async () =>
        {
            var set = await Sets.CreateFromFeedbackAsync(_newName, _newCollection == Guid.Empty ? null : _newCollection, _disposed.Token);
            await AddedAsync(set);
        }, "Creating a question set from feedback failed");
    }

    private async Task AddedAsync(QuestionSetSummary set)
    {
        _message = L["EvalSetAdded", set.Name, set.Questions];
        _newName = null;
        _csvFile = _queriesFile = _qrelsFile = null;
        _sets = await Sets.ListAsync(_disposed.Token);
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
        _confirmDelete = null;
        await Busy(async () =>
        {
            await Sets.DeleteAsync(set.Id, _disposed.Token);
            if (_selected?.Set.Id == set.Id)
            {
                _selected = null;
                _runs = [];
                _run = null;
            }
            _sets = await Sets.ListAsync(_disposed.Token);
        }, "Deleting a question set failed");
    }

    private async Task LabelAsync(Guid questionId)
    {
        if (_selected is null || !_labels.TryGetValue(questionId, out var label)) return;
        await Busy(async () =>
        {
            await Sets.LabelAsync(questionId, label, _disposed.Token);
            _labels.Remove(questionId);
            _selected = await Sets.GetAsync(_selected.Set.Id, _disposed.Token);
            _sets = await Sets.ListAsync(_disposed.Token);
            _message = L["EvalLabelSaved"];
        }, "Labelling a question failed");
    }

    private string LabelText(QuestionInfo question) => _labels.TryGetValue(question.Id, out var typed) ? typed : question.ExpectedSources ?? "";

    private void Toggle(Guid collectionId, bool on)
    {
        if (on) _runCollections.Add(collectionId);
        else _runCollections.Remove(collectionId);
    }

    private async Task StartRunAsync()
    {
        if (_selected is null || _busy) return;
        await Busy(async () =>
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            await Runs.StartAsync(new StartRunRequest(_selected.Set.Id, _runCollections.ToList(), _includeAnswers), who.DisplayName, _disposed.Token);
            await LoadRunsAsync();
        }, "Starting an evaluation run failed");
    }

    private async Task CancelRunAsync(Guid runId)
    {
        await Busy(async () =>
        {
            await Runs.CancelAsync(runId, _disposed.Token);
            await LoadRunsAsync();
        }, "Cancelling an evaluation run failed");
    }

    private async Task OpenRunAsync(Guid runId)
    {
        await Guarded(async () => _run = await Runs.GetAsync(runId, _disposed.Token), "Loading an evaluation run failed");
    }

    private async Task Busy(Func<Task> work, string failure)
    {
        _busy = true;
        _error = null;
        _message = null;
        try
        {
            await Guarded(work, failure);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task Guarded(Func<Task> work, string failure)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "{Failure}", failure);
            _error = UserMessages.For(e);
        }
    }

    private static double Percent(RunSummary run) => run.Total == 0 ? 0 : Math.Clamp(run.Done * 100.0 / run.Total, 0, 100);

    private static string Metric(double? value) => value is { } v ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "—";

    private string Share(double? value) => value is { } v ? v.ToString("P0", L.Culture) : "—";

    private string YesNo(bool? value) => value switch { true => L["EvalYes"], false => L["EvalNo"], null => "—" };

    private static string StatusText(EvaluationRunStatus status) => status.ToString().ToLowerInvariant();

    private static string PrettyJson(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return System.Text.Json.JsonSerializer.Serialize(doc.RootElement, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }

    public void Dispose()
    {
        _refresh?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
