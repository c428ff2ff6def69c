using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Which part of a passage a citation (or a search hit) is about: the sentence (or table row) of the passage that
/// shares the most words with the claim that cites it (the answer's citing sentences, the quoted sentence of an
/// extractive answer, or the query). Its offset gives the page the citation names, so a passage spanning pages
/// 2,986-3,000 whose cited fact is on page 2,999 is cited as page 2,999.
/// </summary>
public static partial class CitedSpan
{
    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    [GeneratedRegex(@"\[(\d+(?:\s*,\s*\d+)*)\]")]
    private static partial Regex Marker();

    /// <summary>Sentence ends and line breaks: a table row or a line of a list is a span of its own.</summary>
    [GeneratedRegex(@"(?<=[.!?;:])\s+(?=\S)|\n+")]
    private static partial Regex Break();

    /// <summary>The best-matching span [Start, End) of <paramref name="text"/>, or null when no span shares a word with the claim.</summary>
    public static (int Start, int End)? Find(string text, string? claim)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(claim) || text.Length == 0) return null;
        var wanted = Terms(Marker().Replace(claim, " ")).ToHashSet();
        if (wanted.Count == 0) return null;
        (int Start, int End)? best = null;
        var bestScore = 0.0;
        foreach (var (s, e) in Spans(text))
        {
            var terms = Terms(text[s..e]).ToList();
            if (terms.Count == 0) continue;
            var shared = terms.Distinct().Count(wanted.Contains);
            if (shared == 0) continue;
            // Shared words count most; among equals the shorter (more specific) span wins.
            var score = shared + shared / Math.Sqrt(terms.Count + 4.0) * 0.5;
            if (score > bestScore)
            {
                bestScore = score;
                best = (s, e);
            }
        }
        return best;
    }

    /// <summary>The spans a citation can point at: the sentences and lines of <paramref name="text"/>, trimmed, in order.</summary>
    public static IEnumerable<(int Start, int End)> Spans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        foreach (var end in Ends(text))
        {
            var (s, e) = Trim(text, start, end);
            start = end;
            if (e > s) yield return (s, e);
        }
    }

    /// <summary>The page of the part of <paramref name="chunk"/> that <paramref name="claim"/> is about (its first page when no part matches).</summary>
    public static int PageFor(Indexing.IndexedChunk chunk, string? claim)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return Find(chunk.Text, claim) is { } span ? chunk.PageAt(span.Start) : chunk.PageStart;
    }

    /// <summary>The sentences of <paramref name="answer"/> that cite source <paramref name="n"/>, markers removed; null when none does.</summary>
    public static string? ClaimFor(string answer, int n)
    {
        if (string.IsNullOrEmpty(answer)) return null;
        var parts = new List<string>();
        var start = 0;
        var previous = "";
        foreach (var end in Ends(answer))
        {
            var sentence = answer[start..end];
            start = end;
            var words = Marker().Replace(sentence, " ");
            var cites = Marker().Matches(sentence).Any(m => m.Groups[1].Value.Split(',')
                .Any(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) && k == n));
            // "... 47 newton metres. [1]": a marker standing after the full stop cites the sentence before it.
            var bare = !Word().IsMatch(words);
            if (cites) parts.Add(bare ? previous : words);
            if (!bare) previous = words;
        }
        var claim = string.Join(" ", parts);
        return Word().IsMatch(claim) ? claim : null;
    }

    private static IEnumerable<int> Ends(string text)
    {
        foreach (Match m in Break().Matches(text)) yield return m.Index + m.Length;
        yield return text.Length;
    }

    private static (int, int) Trim(string text, int s, int e)
    {
        while (s < e && char.IsWhiteSpace(text[s])) s++;
        while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
        return (s, e);
    }

    private static IEnumerable<string> Terms(string text)
    {
        foreach (Match m in Word().Matches(text.ToLower(CultureInfo.InvariantCulture)))
        {
            var w = m.Value;
            if (w.Length < 2) continue;
            yield return w.Length > 6 ? w[..6] : w; // light stemming, as CitationVerifier
        }
    }
}
