using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace PrivateRag.Web.Components.Admin.Analytics;

public partial class AnalyticsChart
{
    /// <summary>Line and bar colours with at least 3:1 contrast against the page in both the light and the dark theme.</summary>
    public static readonly string[] Palette = ["#6366f1", "#e11d48", "#0891b2", "#d97706"];

    [Parameter, EditorRequired] public string Title { get; set; } = "";

    [Parameter, EditorRequired] public string TestId { get; set; } = "";

    [Parameter] public ChartType Type { get; set; } = ChartType.Bar;

    [Parameter, EditorRequired] public List<ChartSeries<double>> Series { get; set; } = [];

    [Parameter, EditorRequired] public string[] Labels { get; set; } = [];

    /// <summary>Formats the vertical axis (say, "50 %" or "1.2 s"); plain numbers when null.</summary>
    [Parameter] public Func<double, string>? YAxis { get; set; }

    private MudBlazor.Charts.IChartOptions Options => Type == ChartType.Line
        ? new LineChartOptions
        {
            ChartPalette = Palette, ShowLegend = Series.Count > 1, YAxisToStringFunc = YAxis, YAxisRequireZeroPoint = true,
            ShowDataMarkers = true, LineStrokeWidth = 2, YAxisTicks = TickSpacing(), MaxNumYAxisTicks = 6,
        }
        : new BarChartOptions
        {
            ChartPalette = Palette, ShowLegend = Series.Count > 1, YAxisToStringFunc = YAxis, YAxisTicks = TickSpacing(), MaxNumYAxisTicks = 6,
        };

    /// <summary>
    /// A round spacing (1, 2 or 5 times a power of ten) that gives about four grid lines up to the largest value: a fixed
    /// spacing would squeeze dozens of labels onto a chart of milliseconds and leave a chart of a few questions flat.
    /// </summary>
    private int TickSpacing()
    {
        var max = Series.SelectMany(s => s.Data.Values).Max(v => (double?)v) ?? 0;
        if (max <= 4) return 1;
        var raw = max / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = (raw / magnitude) switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 } * magnitude;
        return (int)Math.Max(1, step);
    }
}
