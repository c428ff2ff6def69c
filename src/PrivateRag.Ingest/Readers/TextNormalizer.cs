using System.Globalization;
using System.Text;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Cleans extracted text: drops NUL and other control characters, soft hyphens and BOMs, replaces lone surrogates,
/// joins words hyphenated across a line break ("exam-\nple" becomes "example" when the next line starts lower-case),
/// expands typographic ligatures (U+FB00..FB06), collapses runs of horizontal whitespace to one space and normalizes to Unicode NFC.
/// </summary>
internal static class TextNormalizer
{
    private static readonly string[] Ligatures = ["ff", "fi", "fl", "ffi", "ffl", "st", "st"];

    /// <summary>One-line text: line breaks become spaces (after hyphen joining).</summary>
    public static string Inline(string? text) => Normalize(text, keepLineBreaks: false);

    /// <summary>Keeps single line breaks (code blocks, table rows); trims each line, drops blank lines.</summary>
    public static string Multiline(string? text) => Normalize(text, keepLineBreaks: true);

    private static string Normalize(string? text, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        var pendingBreak = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    Flush(sb, ref pendingSpace, ref pendingBreak);
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }
                else
                {
                    Flush(sb, ref pendingSpace, ref pendingBreak);
                    sb.Append('\uFFFD');
                }
                continue;
            }
            if (char.IsLowSurrogate(c))
            {
                Flush(sb, ref pendingSpace, ref pendingBreak);
                sb.Append('\uFFFD');
                continue;
            }
            if (c is '\n' or '\r' or '\u2028' or '\u2029' or '\v' or '\f' or '\u0085')
            {
                // A word hyphenated across the line break: "exam-" + "ple" -> "example".
                if (!pendingSpace && !pendingBreak && sb.Length >= 2 && sb[^1] is '-' or '\u2010' && char.IsLetter(sb[^2])
                    && NextNonSpace(text, i + 1) is { } next && char.IsLower(next))
                {
                    sb.Length--;
                    i = SkipSpace(text, i + 1) - 1;
                    continue;
                }
                if (keepLineBreaks) pendingBreak = true; else pendingSpace = true;
                continue;
            }
            if (c is >= '\uFB00' and <= '\uFB06')
            {
                // Typographic ligatures (ﬁ, ﬂ, ﬀ, ...) would make words unsearchable.
                Flush(sb, ref pendingSpace, ref pendingBreak);
                sb.Append(Ligatures[c - '\uFB00']);
                continue;
            }
            if (c == '\u00AD' || c == '\uFEFF' || c == '\u200B') continue; // soft hyphen, BOM, zero-width space
            if (char.IsWhiteSpace(c) || c == '\t')
            {
                pendingSpace = true;
                continue;
            }
            if (char.IsControl(c)) continue; // NUL and other C0/C1 controls
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.OtherNotAssigned && c >= '\uFDD0' && c <= '\uFDEF') continue; // noncharacters
            if (c is '\uFFFE' or '\uFFFF') continue;
            Flush(sb, ref pendingSpace, ref pendingBreak);
            sb.Append(c);
        }
        var result = sb.ToString();
        try
        {
            return result.IsNormalized(NormalizationForm.FormC) ? result : result.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return result; // cannot happen after surrogate repair, but never fail a document on normalization
        }
    }

    private static void Flush(StringBuilder sb, ref bool pendingSpace, ref bool pendingBreak)
    {
        if (sb.Length > 0)
        {
            if (pendingBreak) sb.Append('\n');
            else if (pendingSpace) sb.Append(' ');
        }
        pendingSpace = false;
        pendingBreak = false;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    private static char? NextNonSpace(string text, int i)
    {
        i = SkipSpace(text, i);
        return i < text.Length ? text[i] : null;
    }
}
