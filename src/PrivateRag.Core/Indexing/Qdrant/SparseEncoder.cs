using System.Globalization;
using System.Text;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Indexing.Qdrant;

/// <summary>
/// BM25-style sparse vectors for Qdrant's sparse index with the IDF modifier: a document's value for a term is
/// the saturated term frequency <c>tf (k1 + 1) / (tf + k1 (1 - b + b len / avgLen))</c> and Qdrant multiplies it by
/// the term's IDF at query time; a query's value is 1 per distinct term. Terms are the same units the embedded
/// index matches: Unicode letters/digits folded to lower case without diacritics, CJK as bigrams, English
/// stopwords dropped, a light plural stemmer; each term is hashed (FNV-1a, 32 bits) to its index.
/// </summary>
public static class SparseEncoder
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    /// <summary>The average passage length (in terms) the length normalisation assumes.</summary>
    public const double AverageLength = 256;

    public static (uint[] Indices, float[] Values) EncodeDocument(string? text)
    {
        var counts = new Dictionary<uint, int>();
        var length = 0;
        foreach (var term in Terms(text))
        {
            length++;
            var index = Hash(term);
            counts[index] = counts.GetValueOrDefault(index) + 1;
        }
        var indices = counts.Keys.Order().ToArray();
        var values = new float[indices.Length];
        var norm = K1 * (1 - B + B * length / AverageLength);
        for (var i = 0; i < indices.Length; i++)
        {
            var tf = counts[indices[i]];
            values[i] = (float)(tf * (K1 + 1) / (tf + norm));
        }
        return (indices, values);
    }

    public static (uint[] Indices, float[] Values) EncodeQuery(string? query)
    {
        var all = Terms(query).ToList();
        var content = all.Where(t => !FtsText.IsStopword(t)).ToList();
        var indices = (content.Count > 0 ? content : all).Select(Hash).Distinct().Order().ToArray();
        return (indices, Enumerable.Repeat(1f, indices.Length).ToArray());
    }

    /// <summary>The terms of a text, in order, stopwords removed.</summary>
    public static IEnumerable<string> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) yield break;
        var folded = Fold(FtsText.ForIndex(text));
        var word = new StringBuilder();
        foreach (var rune in (folded + " ").EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(rune.ToString());
                continue;
            }
            if (word.Length == 0) continue;
            var term = word.ToString();
            word.Clear();
            if (FtsText.IsStopword(term)) continue;
            yield return Stem(term);
        }
    }

    private static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The "S" stemmer (Harman 1991): plural endings only, so it never merges unrelated words.</summary>
    private static string Stem(string term)
    {
        if (term.Length <= 3 || !term.EndsWith('s')) return term;
        if (term.EndsWith("ies", StringComparison.Ordinal) && !term.EndsWith("eies", StringComparison.Ordinal)
            && !term.EndsWith("aies", StringComparison.Ordinal)) return term[..^3] + "y";
        if (term.EndsWith("es", StringComparison.Ordinal) && !term.EndsWith("aes", StringComparison.Ordinal)
            && !term.EndsWith("ees", StringComparison.Ordinal) && !term.EndsWith("oes", StringComparison.Ordinal)) return term[..^1];
        if (!term.EndsWith("us", StringComparison.Ordinal) && !term.EndsWith("ss", StringComparison.Ordinal)) return term[..^1];
        return term;
    }

    private static uint Hash(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }
}
