using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class RunChart
{
    /// <summary>Line colours with at least 3:1 contrast on both the light and the dark background.</summary>
    private static readonly string[] Palette = ["#1E88E5", "#00897B", "#AB47BC", "#F4511E", "#558B2F", "#E53935"];

    private readonly LineChartOptions _options = new()
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

    private IReadOnlyList<RunSummary>? _builtFor;
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];
    private int _completed;

    /// <summary>Every run of the set, oldest first (their numbers are their positions); only completed ones are drawn.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<RunSummary> Runs { get; set; } = [];

    protected override void OnParametersSet()
    {
        // Built again only when the page reloaded the runs: the chart keeps its series between other renders.
        if (ReferenceEquals(_builtFor, Runs)) return;
        _builtFor = Runs;
        Build();
    }

    /// <summary>One line per metric, in percent, one point per completed run (a missing metric leaves a gap).</summary>
    private void Build()
    {
        var runs = Runs.Where(r => r.Status == EvaluationRunStatus.Completed).ToList();
        var numbers = Runs.Select((r, i) => (r.Id, N: i + 1)).ToDictionary(x => x.Id, x => x.N);
        _completed = runs.Count;
        _labels = runs.Select(r => $"#{numbers[r.Id]}").ToArray();
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
}
