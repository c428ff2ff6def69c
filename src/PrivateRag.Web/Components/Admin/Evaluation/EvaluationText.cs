using System.Globalization;
using PrivateRag.Core.Evaluation;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Components.Admin.Evaluation;

/// <summary>How the evaluation page writes its figures: metrics to three places, shares in percent, a dash for none.</summary>
public static class EvaluationText
{
    public static double Percent(RunSummary run) => run.Total == 0 ? 0 : Math.Clamp(run.Done * 100.0 / run.Total, 0, 100);

    public static string Metric(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Share(double? value, UiText text) => value is { } v ? v.ToString("P0", text.Culture) : "—";

    public static string YesNo(bool? value, UiText text) => value switch { true => text["EvalYes"], false => text["EvalNo"], null => "—" };

    /// <summary>The status word of the API and of <c>data-status</c>: queued, running, completed, failed, cancelled.</summary>
    public static string Status(EvaluationRunStatus status) => status.ToString().ToLowerInvariant();

    public static string When(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
