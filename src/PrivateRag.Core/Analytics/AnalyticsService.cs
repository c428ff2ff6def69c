using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Analytics;

/// <summary>
/// Adoption and quality over the last days, for admins: questions, active users, answer timings, "not found" rate,
/// feedback, ingestion volume, and the questions that keep going unanswered. Days are UTC days.
/// </summary>
/// <remarks>
/// The database filters each period to the rows that matter and projects only the columns the figures need; the rows
/// are then counted per day here. Per-day percentiles need every answer's timings anyway, and there is no portable SQL
/// for "the UTC day of a timestamp" across SQLite (ticks) and PostgreSQL (timestamptz), so one narrow read per table
/// serves every figure instead of a second pass in SQL.
/// </remarks>
public sealed class AnalyticsService(IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The periods the page offers; the API takes any number of days up to <see cref="MaxDays"/>.</summary>
    public static IReadOnlyList<int> Periods { get; } = [7, 30, 90];

    public const int MaxDays = 366;

    public const int TopUnanswered = 20;

    public async Task<AnalyticsReport> ReportAsync(int days, AccessContext who, CancellationToken ct = default)
    {
        var period = Period(days, who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var answers = await AnswersAsync(db, period, ct);
        var documents = await DocumentsAsync(db, period, ct);
        var unanswered = await UnansweredAsync(db, period, ct);
        return new AnalyticsReport(days, period.First, period.Last, Totals(answers, documents), Daily(period, answers, documents), unanswered);
    }

    /// <summary>One row per day of the period, oldest first, days without activity included (as zeros).</summary>
    public async Task<IReadOnlyList<DailyFigures>> DailyAsync(int days, AccessContext who, CancellationToken ct = default)
    {
        var period = Period(days, who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return Daily(period, await AnswersAsync(db, period, ct), await DocumentsAsync(db, period, ct));
    }

    private sealed record AnswerRow(DateTimeOffset At, string Owner, int? LatencyMs, int? FirstTokenMs, bool NotFound, int? Feedback);

    private sealed record DocumentRow(DateTimeOffset At, DocumentStatus Status, int Pages);

    private sealed record Window(DateOnly First, DateOnly Last, DateTimeOffset Start, DateTimeOffset End);

    private Window Period(int days, AccessContext who)
    {
        ArgumentNullException.ThrowIfNull(who);
        // Other people's questions and every collection's ingestion are admin business.
        if (!who.IsAdmin) throw new ForbiddenException("Analytics are for administrators.");
        if (days is < 1 or > MaxDays) throw new InvalidRequestException($"'days' must be between 1 and {MaxDays}.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - days);
        return new Window(first, today, UtcMidnight(first), UtcMidnight(today.AddDays(1)));
    }

    private static DateTimeOffset UtcMidnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static Task<List<AnswerRow>> AnswersAsync(PrivateRagDbContext db, Window period, CancellationToken ct) =>
        db.ConversationTurns.AsNoTracking()
            .Where(t => t.Role == TurnRole.Assistant && t.CreatedAt >= period.Start && t.CreatedAt < period.End)
            .Join(db.Conversations, t => t.ConversationId, c => c.Id,
                (t, c) => new AnswerRow(t.CreatedAt, c.Owner, t.LatencyMs, t.FirstTokenMs, t.NotFound, t.Feedback))
            .ToListAsync(ct);

    /// <summary>Documents that finished ingestion in the period (indexed or failed), by when they did.</summary>
    private static Task<List<DocumentRow>> DocumentsAsync(PrivateRagDbContext db, Window period, CancellationToken ct) =>
        db.Documents.AsNoTracking()
            .Where(d => (d.Status == DocumentStatus.Indexed || d.Status == DocumentStatus.Failed) && d.UpdatedAt >= period.Start && d.UpdatedAt < period.End)
            .Select(d => new DocumentRow(d.UpdatedAt, d.Status, d.Pages))
            .ToListAsync(ct);

    private static async Task<IReadOnlyList<UnansweredQuestion>> UnansweredAsync(PrivateRagDbContext db, Window period, CancellationToken ct)
    {
        // Each answer's question is the user turn just before it in the same conversation (as ChatService stores them).
        var rows = await db.ConversationTurns.AsNoTracking()
            .Where(a => a.Role == TurnRole.Assistant && a.CreatedAt >= period.Start && a.CreatedAt < period.End && (a.NotFound || a.Feedback == -1))
            .Select(a => new
            {
                a.CreatedAt,
                a.NotFound,
                ThumbsDown = a.Feedback == -1,
                Question = db.ConversationTurns
                    .Where(q => q.ConversationId == a.ConversationId && q.Role == TurnRole.User && q.CreatedAt <= a.CreatedAt)
                    .OrderByDescending(q => q.CreatedAt).Select(q => q.Text).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows
            .Where(r => !string.IsNullOrWhiteSpace(r.Question))
            .GroupBy(r => QuestionText.Normalise(r.Question!))
            .Select(g =>
            {
                var latest = g.MaxBy(r => r.CreatedAt)!;
                return new UnansweredQuestion(latest.Question!.Trim(), g.Count(), g.Count(r => r.NotFound), g.Count(r => r.ThumbsDown), latest.CreatedAt);
            })
            .OrderByDescending(q => q.Count).ThenByDescending(q => q.LastAsked)
            .Take(TopUnanswered)
            .ToList();
    }

    private static List<DailyFigures> Daily(Window period, List<AnswerRow> answers, List<DocumentRow> documents)
    {
        var answersByDay = answers.ToLookup(a => DayOf(a.At));
        var documentsByDay = documents.ToLookup(d => DayOf(d.At));
        var days = new List<DailyFigures>();
        for (var day = period.First; day <= period.Last; day = day.AddDays(1))
        {
            var a = answersByDay[day].ToList();
            var d = documentsByDay[day].ToList();
            var latency = Timings(a, r => r.LatencyMs);
            var firstToken = Timings(a, r => r.FirstTokenMs);
            days.Add(new DailyFigures(
                day, a.Count, a.Select(r => r.Owner).Distinct(StringComparer.Ordinal).Count(),
                Percentile(latency, 50), Percentile(latency, 95), Percentile(firstToken, 50), Percentile(firstToken, 95),
                a.Count(r => r.NotFound), a.Count(r => r.Feedback == 1), a.Count(r => r.Feedback == -1),
                d.Count(r => r.Status == DocumentStatus.Indexed), d.Where(r => r.Status == DocumentStatus.Indexed).Sum(r => r.Pages),
                d.Count(r => r.Status == DocumentStatus.Failed)));
        }
        return days;
    }

    private static PeriodTotals Totals(List<AnswerRow> answers, List<DocumentRow> documents)
    {
        var latency = Timings(answers, r => r.LatencyMs);
        var firstToken = Timings(answers, r => r.FirstTokenMs);
        return new PeriodTotals(
            answers.Count, answers.Select(r => r.Owner).Distinct(StringComparer.Ordinal).Count(),
            Percentile(latency, 50), Percentile(latency, 95), Percentile(firstToken, 50), Percentile(firstToken, 95),
            answers.Count(r => r.NotFound), answers.Count(r => r.Feedback == 1), answers.Count(r => r.Feedback == -1),
            documents.Count(r => r.Status == DocumentStatus.Indexed), documents.Where(r => r.Status == DocumentStatus.Indexed).Sum(r => r.Pages),
            documents.Count(r => r.Status == DocumentStatus.Failed));
    }

    private static List<double> Timings(IEnumerable<AnswerRow> answers, Func<AnswerRow, int?> pick) =>
        answers.Select(pick).OfType<int>().Select(ms => (double)ms).ToList();

    private static double? Percentile(List<double> values, double p) =>
        values.Count == 0 ? null : Math.Round(RankingMetrics.Percentile(values, p));
}
