using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Checks each cited sentence against the passages it cites: a citation counts as verified when most of the
/// sentence's content words occur in the passage. It is a lexical check, cheap enough to run on every answer; it
/// catches citations pinned to the wrong source and invented claims, not subtle paraphrase errors.
/// </summary>
public static partial class CitationVerifier
{
    /// <summary>Share of a sentence's content words that must appear in a cited passage.</summary>
    public const double MinSupport = 0.5;

    [GeneratedRegex(@"(?<=[.!?。！？])\s+|\n+")]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")]
    private static partial Regex Marker();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>The source numbers whose citing sentences are supported by their passages.</summary>
    public static IReadOnlySet<int> VerifiedSources(string answer, IReadOnlyList<NumberedSource> sources)
    {
        var passages = sources.ToDictionary(s => s.N, s => Terms(s.Result.Chunk.Text).ToHashSet());
        var verified = new HashSet<int>();
        foreach (var sentence in SentenceBreak().Split(answer))
        {
            var cited = Marker().Matches(sentence)
                .SelectMany(m => m.Groups[1].Value.Split(',').Select(p => int.TryParse(p.Trim(), out var n) ? n : -1))
                .Where(passages.ContainsKey).Distinct().ToList();
            if (cited.Count == 0) continue;
            var claim = Terms(Marker().Replace(sentence, " ")).Distinct().ToList();
            foreach (var n in cited)
            {
                // A sentence citing several sources may draw its words from all of them together.
                var pool = cited.Count == 1 ? passages[n] : cited.SelectMany(c => passages[c]).ToHashSet();
                var ownShare = claim.Count == 0 ? 0 : claim.Count(passages[n].Contains) / (double)claim.Count;
                var jointShare = claim.Count == 0 ? 0 : claim.Count(pool.Contains) / (double)claim.Count;
                if (claim.Count == 0 || (jointShare >= MinSupport && ownShare > 0)) verified.Add(n);
            }
        }
        return verified;
    }

    private static IEnumerable<string> Terms(string text)
    {
        foreach (Match m in Word().Matches(text.ToLower(CultureInfo.InvariantCulture)))
        {
            var w = m.Value;
            if (w.Length < 3 || Stop.Contains(w)) continue;
            yield return w.Length > 6 ? w[..6] : w; // light stemming: "revenues" and "revenue" meet
        }
    }

    private static readonly HashSet<string> Stop =
    [
        "the", "and", "for", "are", "was", "were", "with", "that", "this", "from", "have", "has", "had", "which", "also",
        "its", "their", "they", "them", "not", "but", "been", "being", "into", "than", "then", "there", "these", "those",
        "der", "die", "das", "und", "ist", "ein", "eine", "mit", "von", "für", "den", "dem", "des", "sich", "auch",
    ];
}
