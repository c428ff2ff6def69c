using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Text;

namespace PrivateRag.Core.Answering;

/// <summary>A retrieved passage with the number the answer cites it by.</summary>
public sealed record NumberedSource(int N, SearchResult Result)
{
    public string Label
    {
        get
        {
            var c = Result.Chunk;
            var page = c.PageEnd > c.PageStart ? $"pages {c.PageStart}-{c.PageEnd}" : $"page {c.PageStart}";
            return string.IsNullOrEmpty(c.HeadingPath) ? $"{c.DocumentName}, {page}" : $"{c.DocumentName}, {page}, {c.HeadingPath}";
        }
    }

    /// <summary>
    /// The citation of this source for <paramref name="claim"/> (the answer's sentences citing it, or the question):
    /// the passage's sentence that claim is about is the cited span, and its page is the page cited.
    /// </summary>
    public Citation ToCitation(bool cited, bool verified, string? claim = null, string? snippet = null)
    {
        var c = Result.Chunk;
        var span = CitedSpan.Find(c.Text, claim);
        var page = span is { } s ? c.PageAt(s.Start) : c.PageStart;
        return new Citation(N, c.DocumentId, c.DocumentName, c.CollectionId, page, c.PageEnd, c.HeadingPath,
            snippet ?? Snippets.Shorten(c.Text, 400), c.Id, c.CharStart, c.CharEnd, Result.Score, cited, verified,
            span is { } a ? c.CharStart + a.Start : null, span is { } b ? c.CharStart + b.End : null);
    }

    /// <summary>
    /// Numbers the best results 1..n, keeping within the token budget counted with <paramref name="tokens"/> (the
    /// chat model's own tokenizer when it is loaded here). The first source always fits; a later one that would
    /// overflow is skipped, and a smaller one after it may still fit.
    /// </summary>
    public static IReadOnlyList<NumberedSource> Select(IReadOnlyList<SearchResult> results, AnswerOptions options, ITokenCounter tokens)
    {
        var selected = new List<NumberedSource>();
        var budget = options.MaxSourceTokens;
        foreach (var result in results)
        {
            if (selected.Count == options.MaxSources) break;
            var cost = tokens.Count(result.Chunk.Text);
            if (selected.Count > 0 && cost > budget) continue;
            budget -= cost;
            selected.Add(new NumberedSource(selected.Count + 1, result));
        }
        return selected;
    }
}

public static class Snippets
{
    public static string Shorten(string text, int max)
    {
        var t = text.Trim();
        if (t.Length <= max) return t;
        var cut = t.LastIndexOf(' ', max);
        return (cut > max / 2 ? t[..cut] : t[..max]) + "…";
    }
}
