using System.Globalization;
using System.Text;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// Prepares text for the FTS5 table and turns a user's free text into a safe FTS5 MATCH expression.
/// </summary>
/// <remarks>
/// <para>The FTS5 tokenizer is <c>porter unicode61 remove_diacritics 2</c>: Unicode word breaking, case and
/// diacritic folding, English (Porter) stemming. unicode61 splits only at non-letters, so a run of Chinese,
/// Japanese or Korean characters would be one long token and a query for any part of it would find nothing.
/// Both at index and at query time every CJK run is therefore rewritten as its overlapping character bigrams
/// (a run of one character stays a unigram), each a separate token: "東京都" indexes as "東京 京都", and the query
/// "東京" finds it. Text is NFC-normalised first so decomposed accents fold like composed ones.</para>
/// <para>The query is never passed through as FTS5 syntax: it is cut into letter/digit terms (CJK runs into
/// bigrams), common English stopwords are dropped when something else is left, and each term is double-quoted
/// and OR-ed, so operators (AND, OR, NOT, NEAR, *, ^, column filters, quotes, parentheses) are plain words or
/// gone. BM25 then ranks chunks matching more and rarer terms higher.</para>
/// </remarks>
public static class FtsText
{
    /// <summary>More terms than this are dropped (bounds the cost of a pasted paragraph).</summary>
    public const int MaxQueryTerms = 64;

    private static readonly HashSet<string> Stopwords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "her", "his",
        "how", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she", "so", "than", "that",
        "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what",
        "when", "where", "which", "who", "why", "will", "with", "you", "your", "do", "does", "did", "not", "no",
        "can", "could", "would", "should", "about", "me", "my",
    };

    /// <summary>True for the common English words that queries drop.</summary>
    public static bool IsStopword(string lowerCaseTerm) => Stopwords.Contains(lowerCaseTerm);

    /// <summary>The text as the FTS5 table indexes it: NFC, with CJK runs written as space-separated bigrams.</summary>
    public static string ForIndex(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        text = Nfc(text);
        if (!ContainsCjk(text)) return text;

        var sb = new StringBuilder(text.Length * 3);
        var run = new List<Rune>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                run.Add(rune);
                continue;
            }
            if (run.Count > 0)
            {
                AppendBigrams(sb, run);
                run.Clear();
            }
            sb.Append(rune.ToString());
        }
        if (run.Count > 0) AppendBigrams(sb, run);
        return sb.ToString();
    }

    /// <summary>
    /// The query terms: lower-cased letter/digit runs and CJK bigrams, stopwords dropped unless nothing else is
    /// left, de-duplicated, at most <see cref="MaxQueryTerms"/>.
    /// </summary>
    public static IReadOnlyList<string> QueryTerms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return [];
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        var cjk = new List<Rune>();

        void FlushWord()
        {
            if (word.Length == 0) return;
            var term = word.ToString().ToLowerInvariant();
            word.Clear();
            if (seen.Add(term)) terms.Add(term);
        }

        void FlushCjk()
        {
            if (cjk.Count == 0) return;
            if (cjk.Count == 1)
            {
                var single = cjk[0].ToString();
                if (seen.Add(single)) terms.Add(single);
            }
            for (var i = 0; i + 1 < cjk.Count; i++)
            {
                var bigram = cjk[i].ToString() + cjk[i + 1].ToString();
                if (seen.Add(bigram)) terms.Add(bigram);
            }
            cjk.Clear();
        }

        foreach (var rune in Nfc(query).EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                FlushWord();
                cjk.Add(rune);
            }
            else if (IsWordRune(rune))
            {
                FlushCjk();
                word.Append(rune.ToString());
            }
            else
            {
                FlushWord();
                FlushCjk();
            }
        }
        FlushWord();
        FlushCjk();

        var content = terms.Where(t => !Stopwords.Contains(t)).ToList();
        if (content.Count > 0) terms = content;
        return terms.Count > MaxQueryTerms ? terms.GetRange(0, MaxQueryTerms) : terms;
    }

    /// <summary>A MATCH expression that cannot be FTS5 syntax, or null when the query has no searchable term.</summary>
    public static string? ToMatchExpression(string? query)
    {
        var terms = QueryTerms(query);
        if (terms.Count == 0) return null;
        // Terms hold only letters, digits and marks, so quoting cannot be broken out of; quoting still matters
        // because a bare AND/OR/NOT/NEAR would otherwise be an operator.
        return string.Join(" OR ", terms.Select(t => "\"" + t + "\""));
    }

    private static void AppendBigrams(StringBuilder sb, List<Rune> run)
    {
        sb.Append(' ');
        if (run.Count == 1)
        {
            sb.Append(run[0].ToString());
        }
        else
        {
            for (var i = 0; i + 1 < run.Count; i++)
            {
                if (i > 0) sb.Append(' ');
                sb.Append(run[i].ToString()).Append(run[i + 1].ToString());
            }
        }
        sb.Append(' ');
    }

    private static string Nfc(string text) =>
        text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    private static bool ContainsCjk(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune)) return true;
        }
        return false;
    }

    // Token characters as unicode61 sees them: letters, numbers, private use; combining marks are kept so that a
    // stray decomposed accent does not split a word (unicode61 folds it away with remove_diacritics).
    private static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.PrivateUse => true,
        _ => false,
    };

    /// <summary>Han, Hiragana, Katakana and Hangul: scripts written without spaces between words.</summary>
    public static bool IsCjk(Rune rune)
    {
        var v = rune.Value;
        return v is >= 0x3040 and <= 0x30FF       // Hiragana, Katakana
            or >= 0x31F0 and <= 0x31FF            // Katakana phonetic extensions
            or 0x3005 or 0x3006 or 0x3007         // 々 〆 〇
            or >= 0x3400 and <= 0x4DBF            // CJK extension A
            or >= 0x4E00 and <= 0x9FFF            // CJK unified ideographs
            or >= 0xF900 and <= 0xFAFF            // CJK compatibility ideographs
            or >= 0x1100 and <= 0x11FF            // Hangul Jamo
            or >= 0x3130 and <= 0x318F            // Hangul compatibility Jamo
            or >= 0xAC00 and <= 0xD7AF            // Hangul syllables
            or >= 0xFF66 and <= 0xFF9F            // half-width Katakana
            or >= 0x20000 and <= 0x3134F;         // CJK extensions B..G, compatibility supplement
    }
}
