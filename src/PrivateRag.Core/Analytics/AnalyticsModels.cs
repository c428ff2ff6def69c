namespace PrivateRag.Core.Analytics;

/// <summary>
/// The figures of one UTC day. Timings are percentiles over that day's answers that recorded them (null: none did);
/// feedback counts the answers given that day by the rating they have now.
/// </summary>
public sealed record DailyFigures(
    DateOnly Day,
    int Questions,
    int ActiveUsers,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? FirstTokenP50Ms,
    double? FirstTokenP95Ms,
    int NotFound,
    int ThumbsUp,
    int ThumbsDown,
    int DocumentsIndexed,
    int PagesIndexed,
    int DocumentsFailed)
{
    /// <summary>The share (0..1) of the day's questions answered with "found nothing"; null on a day without questions.</summary>
    public double? NotFoundRate => Questions == 0 ? null : (double)NotFound / Questions;
}

/// <summary>The whole period at once; <see cref="ActiveUsers"/> counts each user once however many days they asked.</summary>
public sealed record PeriodTotals(
    int Questions,
    int ActiveUsers,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? FirstTokenP50Ms,
    double? FirstTokenP95Ms,
    int NotFound,
    int ThumbsUp,
    int ThumbsDown,
    int DocumentsIndexed,
    int PagesIndexed,
    int DocumentsFailed)
{
    public double? NotFoundRate => Questions == 0 ? null : (double)NotFound / Questions;
}

/// <summary>
/// A question people keep asking without a useful answer: the same text once case, spacing and closing punctuation are
/// set aside. Only the text is shown (in its latest wording): the conversations stay their owners' alone.
/// </summary>
public sealed record UnansweredQuestion(string Question, int Count, int NotFound, int ThumbsDown, DateTimeOffset LastAsked);

/// <summary>What the analytics page shows for the last <see cref="Days"/> UTC days, <see cref="From"/> to <see cref="To"/> inclusive.</summary>
public sealed record AnalyticsReport(
    int Days, DateOnly From, DateOnly To, PeriodTotals Totals, IReadOnlyList<DailyFigures> Daily, IReadOnlyList<UnansweredQuestion> Unanswered);
