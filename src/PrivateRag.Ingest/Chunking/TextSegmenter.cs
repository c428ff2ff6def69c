using PrivateRag.Core.Text;

namespace PrivateRag.Ingest.Chunking;

/// <summary>A range [Start, End) of a block's text.</summary>
internal readonly record struct Segment(int Start, int End);

/// <summary>
/// Splits text into sentences, and text that is still too long into lines, word windows and, for a single
/// "word" longer than the budget (a blob without spaces, unspaced CJK), character windows.
/// </summary>
internal static class TextSegmenter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "mr", "mrs", "ms", "prof", "st", "vs", "fig", "figs", "no", "nr", "eq", "ref", "vol", "pp", "ca", "bzw",
        "vgl", "abb", "tab", "inc", "ltd", "jr", "sr", "al", "approx", "dept", "mio", "mrd", "resp", "sec", "cf",
    };

    /// <summary>Sentence ranges (trimmed) covering all non-whitespace text.</summary>
    public static List<Segment> Sentences(string text)
    {
        var result = new List<Segment>();
        var start = SkipSpace(text, 0);
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            int? boundary = null; // end (exclusive) of the sentence when it ends here
            if (c is '。' or '！' or '？')
            {
                boundary = ExtendClosers(text, i + 1);
            }
            else if (c is '.' or '!' or '?' or '…')
            {
                var end = ExtendClosers(text, i + 1);
                while (end < text.Length && text[end] is '.' or '!' or '?') end = ExtendClosers(text, end + 1);
                if (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    var next = SkipSpace(text, end);
                    if (next < text.Length && !char.IsLower(text[next]) && !(c == '.' && IsAbbreviation(text, start, i)))
                    {
                        boundary = end;
                    }
                }
                i = end - 1;
            }
            else if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                boundary = i;
            }
            i++;
            if (boundary is { } b)
            {
                AddTrimmed(text, start, b, result);
                start = SkipSpace(text, Math.Max(b, i));
                i = start;
            }
        }
        AddTrimmed(text, start, text.Length, result);
        return result;
    }

    /// <summary>Line ranges (trimmed, non-empty).</summary>
    public static List<Segment> Lines(string text, Segment within)
    {
        var result = new List<Segment>();
        var start = within.Start;
        for (var i = within.Start; i < within.End; i++)
        {
            if (text[i] != '\n') continue;
            AddTrimmed(text, start, i, result);
            start = i + 1;
        }
        AddTrimmed(text, start, within.End, result);
        return result;
    }

    /// <summary>Greedy windows of whole words, each costing at most <paramref name="budget"/> tokens (words are never cut unless one alone is over budget).</summary>
    public static List<Segment> WordWindows(string text, Segment within, int budget, ITokenCounter counter)
    {
        var result = new List<Segment>();
        int windowStart = -1, windowEnd = -1;
        var windowTokens = 0;
        var i = within.Start;
        while (i < within.End)
        {
            i = SkipSpace(text, i, within.End);
            if (i >= within.End) break;
            var wordEnd = i;
            while (wordEnd < within.End && !char.IsWhiteSpace(text[wordEnd])) wordEnd++;
            var tokens = counter.Count(text[i..wordEnd]);
            if (tokens > budget)
            {
                if (windowStart >= 0) result.Add(new Segment(windowStart, windowEnd));
                windowStart = -1;
                windowTokens = 0;
                result.AddRange(CharWindows(text, new Segment(i, wordEnd), budget, counter));
            }
            else if (windowStart >= 0 && windowTokens + tokens <= budget)
            {
                windowEnd = wordEnd;
                windowTokens += tokens;
            }
            else
            {
                if (windowStart >= 0) result.Add(new Segment(windowStart, windowEnd));
                windowStart = i;
                windowEnd = wordEnd;
                windowTokens = tokens;
            }
            i = wordEnd;
        }
        if (windowStart >= 0) result.Add(new Segment(windowStart, windowEnd));
        return result;
    }

    /// <summary>Longest prefixes within budget (binary search), never splitting a surrogate pair.</summary>
    private static IEnumerable<Segment> CharWindows(string text, Segment within, int budget, ITokenCounter counter)
    {
        var start = within.Start;
        while (start < within.End)
        {
            int lo = 1, hi = within.End - start;
            while (lo < hi)
            {
                var mid = lo + (hi - lo + 1) / 2;
                if (counter.Count(text.Substring(start, mid)) <= budget) lo = mid; else hi = mid - 1;
            }
            var end = start + lo;
            if (end < within.End && char.IsLowSurrogate(text[end]) && end - start > 1) end--;
            yield return new Segment(start, end);
            start = end;
        }
    }

    private static bool IsAbbreviation(string text, int sentenceStart, int dot)
    {
        var wordStart = dot;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1])) wordStart--;
        var word = text.AsSpan(wordStart, dot - wordStart).TrimStart("([\"'“‘");
        if (word.Length == 0) return false;
        if (word.Length == 1 && char.IsLetter(word[0])) return true;              // initials: "J. Smith"
        if (word.Contains('.')) return true;                                      // "e.g.", "z.B.", "U.S."
        if (word.Length <= 3 && IsDigits(word)) return true;                      // ordinals/enumerations: "3. Mai", "1. Introduction"
        return Abbreviations.Contains(word.ToString());
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static int ExtendClosers(string text, int i)
    {
        while (i < text.Length && text[i] is '"' or '\'' or ')' or ']' or '»' or '”' or '’' or '」' or '』' or '）') i++;
        return i;
    }

    private static int SkipSpace(string text, int i, int end = int.MaxValue)
    {
        end = Math.Min(end, text.Length);
        while (i < end && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    private static void AddTrimmed(string text, int start, int end, List<Segment> into)
    {
        while (start < end && char.IsWhiteSpace(text[start])) start++;
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        if (end > start) into.Add(new Segment(start, end));
    }
}
