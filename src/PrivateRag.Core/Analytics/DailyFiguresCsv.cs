using System.Globalization;
using System.Text;

namespace PrivateRag.Core.Analytics;

/// <summary>
/// The daily figures as CSV (RFC 4180, invariant culture, ISO dates, empty cells for "no value") for spreadsheets.
/// Every cell is a date or a number, so nothing in it can be read as a spreadsheet formula.
/// </summary>
public static class DailyFiguresCsv
{
    public const string Header =
        "date,questions,active_users,latency_p50_ms,latency_p95_ms,first_token_p50_ms,first_token_p95_ms," +
        "not_found,not_found_rate,thumbs_up,thumbs_down,documents_indexed,pages_indexed,documents_failed";

    public static string Write(IEnumerable<DailyFigures> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var d in days)
        {
            csv.AppendJoin(',',
                d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Number(d.Questions), Number(d.ActiveUsers),
                Number(d.LatencyP50Ms), Number(d.LatencyP95Ms), Number(d.FirstTokenP50Ms), Number(d.FirstTokenP95Ms),
                Number(d.NotFound), d.NotFoundRate is { } rate ? rate.ToString("0.####", CultureInfo.InvariantCulture) : "",
                Number(d.ThumbsUp), Number(d.ThumbsDown),
                Number(d.DocumentsIndexed), Number(d.PagesIndexed), Number(d.DocumentsFailed)).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "";
}
