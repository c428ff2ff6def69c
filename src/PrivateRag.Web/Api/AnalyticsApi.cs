using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateRag.Core.Analytics;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary>
/// Adoption and quality figures for admins: <c>GET /api/analytics?days=30</c> (the page's data as JSON) and
/// <c>GET /api/analytics/daily.csv?days=30</c> (one row per UTC day, for spreadsheets).
/// </summary>
public static class AnalyticsApi
{
    public const int DefaultDays = 30;

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/analytics").RequireAuthorization(Policies.Admin).WithTags("Analytics");
        group.MapGet("/", ReportAsync);
        group.MapGet("/daily.csv", DailyCsvAsync);
        return group;
    }

    private static async Task<Ok<AnalyticsReport>> ReportAsync(int? days, HttpContext http, AnalyticsService analytics) =>
        TypedResults.Ok(await analytics.ReportAsync(days ?? DefaultDays, await http.RequireAccessAsync(), http.RequestAborted));

    private static async Task<FileContentHttpResult> DailyCsvAsync(int? days, HttpContext http, AnalyticsService analytics)
    {
        var daily = await analytics.DailyAsync(days ?? DefaultDays, await http.RequireAccessAsync(), http.RequestAborted);
        return TypedResults.File(Encoding.UTF8.GetBytes(DailyFiguresCsv.Write(daily)), "text/csv; charset=utf-8", FileName(daily));
    }

    /// <summary><c>privaterag-daily-2026-03-04-to-2026-03-10.csv</c>: the period is in the name, so downloads do not overwrite each other.</summary>
    public static string FileName(IReadOnlyList<DailyFigures> daily)
    {
        ArgumentNullException.ThrowIfNull(daily);
        return daily.Count == 0
            ? "privaterag-daily.csv"
            : string.Create(CultureInfo.InvariantCulture, $"privaterag-daily-{daily[0].Day:yyyy-MM-dd}-to-{daily[^1].Day:yyyy-MM-dd}.csv");
    }
}
