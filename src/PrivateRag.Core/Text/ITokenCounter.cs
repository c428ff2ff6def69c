using System.Text;

namespace PrivateRag.Core.Text;

/// <summary>Counts the tokens a text costs an embedding model.</summary>
/// <remarks>
/// The chunker sums the counts of sentences and assumes that joining texts with whitespace never costs more
/// tokens than the parts (true of BPE tokenizers in practice and of <see cref="ApproximateTokenCounter"/> exactly).
/// </remarks>
public interface ITokenCounter
{
    int Count(string text);
}

/// <summary>
/// The default counter, a tokenizer-free approximation: each whitespace-separated word costs max(1.3, length / 4)
/// tokens (about 1.3 tokens per English word, long words and blobs 4 characters per token), each CJK ideograph,
/// kana or hangul syllable 1 token; the sum is rounded up. It errs on the high side for most embedding tokenizers.
/// </summary>
public sealed class ApproximateTokenCounter : ITokenCounter
{
    public static ApproximateTokenCounter Instance { get; } = new();

    public int Count(string text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        double total = 0;
        var wordLength = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                total += WordCost(wordLength);
                wordLength = 0;
            }
            else if (IsCjk(rune))
            {
                total += WordCost(wordLength) + 1;
                wordLength = 0;
            }
            else
            {
                wordLength += rune.Utf16SequenceLength;
            }
        }
        total += WordCost(wordLength);
        return (int)Math.Ceiling(total - 1e-9);
    }

    private static double WordCost(int length) => length == 0 ? 0 : Math.Max(1.3, length / 4.0);

    internal static bool IsCjk(Rune rune)
    {
        var v = rune.Value;
        return v is >= 0x2E80 and <= 0x9FFF      // CJK radicals, punctuation, kana, ideographs
            or >= 0xAC00 and <= 0xD7AF           // hangul syllables
            or >= 0xF900 and <= 0xFAFF           // compatibility ideographs
            or >= 0xFF00 and <= 0xFFEF           // full-width forms
            or >= 0x20000 and <= 0x3FFFF;        // extension ideographs
    }
}

/// <summary>Counts with a loaded model's own tokenizer, for budgets that must fit that model.</summary>
public sealed class ModelTokenCounter(Func<string, int> countTokens) : ITokenCounter
{
    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : countTokens(text);
}
