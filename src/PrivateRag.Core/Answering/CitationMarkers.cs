using System.Text.RegularExpressions;

namespace PrivateRag.Core.Answering;

/// <summary>Finds the <c>[n]</c> markers an answer uses (also <c>[1, 2]</c> and <c>[1][2]</c>).</summary>
public static partial class CitationMarkers
{
    [GeneratedRegex(@"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")]
    private static partial Regex Marker();

    public static IReadOnlySet<int> Find(string answer)
    {
        var found = new SortedSet<int>();
        foreach (Match m in Marker().Matches(answer))
            foreach (var part in m.Groups[1].Value.Split(','))
                if (int.TryParse(part.Trim(), out var n)) found.Add(n);
        return found;
    }

    /// <summary>Removes markers that point at no source, so nothing unverifiable is shown as proof.</summary>
    public static string RemoveUnknown(string answer, int sourceCount) =>
        Marker().Replace(answer, m =>
        {
            var kept = m.Groups[1].Value.Split(',').Select(p => p.Trim())
                .Where(p => int.TryParse(p, out var n) && n >= 1 && n <= sourceCount).ToList();
            return kept.Count == 0 ? "" : $"[{string.Join(", ", kept)}]";
        });
}
