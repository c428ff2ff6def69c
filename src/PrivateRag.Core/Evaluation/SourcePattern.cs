using System.Text.RegularExpressions;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// An expected source as a question set names it: a document name or a glob (<c>*</c> any run of characters,
/// <c>?</c> one character), matched against whole document names without regard to case.
/// </summary>
public static class SourcePattern
{
    public static Regex ToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new Regex("^" + Regex.Escape(pattern.Trim()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>Splits a comma-separated list of patterns, dropping blanks.</summary>
    public static IReadOnlyList<string> Split(string? patterns) =>
        (patterns ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
