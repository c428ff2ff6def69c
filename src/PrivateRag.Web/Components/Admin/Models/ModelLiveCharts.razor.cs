using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace PrivateRag.Web.Components.Admin.Models;

public partial class ModelLiveCharts
{
    /// <summary>Tokens generated in each of the last seconds, oldest first.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<long> TokensPerSecond { get; set; } = [];

    /// <summary>Sequences in use and requests waiting, one sample per page refresh, oldest first.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<SchedulerSample> Samples { get; set; } = [];

    [Parameter] public int MaxConcurrent { get; set; }

    [Parameter] public int MaxQueue { get; set; }

    private readonly LineChartOptions _options = new() { ShowLegend = true, ShowToolTips = false, YAxisTicks = 1, MaxNumYAxisTicks = 5 };
    private LineChartOptions _schedulerOptions = new();
    private List<ChartSeries<double>> _throughput = [];
    private List<ChartSeries<double>> _scheduler = [];
    private string[] _labels = [];

    private double TokensPerSecondAverage => TokensPerSecond.Count == 0 ? 0 : TokensPerSecond.Sum() / (double)TokensPerSecond.Count;

    private long Last => TokensPerSecond.Count == 0 ? 0 : TokensPerSecond[^1];

    private int Active => Samples.Count == 0 ? 0 : Samples[^1].Active;

    private int Queued => Samples.Count == 0 ? 0 : Samples[^1].Queued;

    protected override void OnParametersSet()
    {
        // Scaled to the sequences there are, so an idle scheduler reads as "0 of N" rather than as an empty chart.
        _schedulerOptions = new LineChartOptions
        {
            ShowLegend = true, ShowToolTips = false, YAxisTicks = 1, MaxNumYAxisTicks = 5, YAxisSuggestedMax = Math.Max(1, MaxConcurrent),
        };
        var points = Math.Max(TokensPerSecond.Count, 2);
        // Seconds before now, labelled every 15 s so the axis stays readable at phone width.
        _labels = Enumerable.Range(0, points).Select(i => (points - i) % 15 == 0 ? $"-{points - i}s" : "").ToArray();
        _throughput =
        [
            new() { Name = L["Models_TokensPerSecond"], Data = new ChartData<double>(Pad(TokensPerSecond.Select(v => (double)v).ToList(), points)) },
        ];
        _scheduler =
        [
            new() { Name = L["Models_ActiveSequences"], Data = new ChartData<double>(Pad(Samples.Select(s => (double)s.Active).ToList(), points)) },
            new() { Name = L["Models_Queued"], Data = new ChartData<double>(Pad(Samples.Select(s => (double)s.Queued).ToList(), points)) },
        ];
    }

    /// <summary>Left-pads with zeros to the chart's width, so every series ends at "now".</summary>
    private static List<double> Pad(List<double> values, int points)
    {
        if (values.Count >= points) return values.Skip(values.Count - points).ToList();
        return [.. Enumerable.Repeat(0d, points - values.Count), .. values];
    }

    /// <summary>One look at the scheduler.</summary>
    public readonly record struct SchedulerSample(int Active, int Queued);
}
