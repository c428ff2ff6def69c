using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateRag.Core.Analytics;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Analytics;

public partial class AdminAnalytics : IDisposable
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private AnalyticsService Analytics { get; set; } = default!;

    [Inject] private ILogger<AdminAnalytics> Logger { get; set; } = default!;

    private readonly CancellationTokenSource _disposed = new();
    private int _days = AnalyticsService.Periods[1];
    private AnalyticsReport? _report;
    private string[] _labels = [];
    private string? _error;

    private string CsvUrl => $"/api/analytics/daily.csv?days={_days}";

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task SelectAsync(int days)
    {
        if (days == _days && _report is not null) return;
        _days = days;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _error = null;
        try
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            _report = await Analytics.ReportAsync(_days, who, _disposed.Token);
            _labels = AxisLabels(_report.Daily);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading the analytics failed");
            _error = UserMessages.For(e);
        }
    }

    /// <summary>
    /// At most four dates along the axis, always including the last day; the others stay blank so the labels do not
    /// overlap even on a phone.
    /// </summary>
    private string[] AxisLabels(IReadOnlyList<DailyFigures> days)
    {
        var step = Math.Max(1, (int)Math.Ceiling(days.Count / 4.0));
        return days.Select((d, i) => (days.Count - 1 - i) % step == 0 ? d.Day.ToString(L.Language == "de" ? "d.M." : "d MMM", L.Culture) : "").ToArray();
    }

    private List<ChartSeries<double>> Series(params (string Name, Func<DailyFigures, double?> Value)[] series) =>
        _report is not { } report ? [] : series.Select(s => new ChartSeries<double>
        {
            Name = s.Name,
            Data = report.Daily.Select(d => s.Value(d)).ToArray(),
        }).ToList();

    private string Number(int value) => value.ToString("N0", L.Culture);

    // Units are the same in every language the UI speaks.
    private string Ms(double? value) => value is { } v ? $"{v.ToString("N0", L.Culture)} ms" : "—";

    private string Pair(double? median, double? p95) => median is null ? "—" : $"{Ms(median)} / {Ms(p95)}";

    private string Percent(double? rate) => rate is { } r ? r.ToString("P0", L.Culture) : "—";

    private string Day(DateOnly day) => day.ToString("d", L.Culture);

    private string When(DateTimeOffset at) => at.UtcDateTime.ToString("g", L.Culture) + " UTC";

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
