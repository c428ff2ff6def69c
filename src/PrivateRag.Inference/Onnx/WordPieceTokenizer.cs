using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace PrivateRag.Inference.Onnx;

/// <summary>
/// BERT WordPiece tokenization as Hugging Face's <c>BertTokenizer</c> does it (clean text, CJK characters split,
/// lower-casing and accent stripping for uncased models, punctuation split, greedy longest-match sub-words), through
/// <see cref="BertTokenizer"/> from Microsoft.ML.Tokenizers. Built from a <c>vocab.txt</c> or a WordPiece
/// <c>tokenizer.json</c>; <c>tokenizer_config.json</c> beside it, when present, says whether the model is cased.
/// </summary>
internal sealed partial class WordPieceTokenizer
{
    private static readonly RegexPreTokenizer BasicPreTokenizer = new(PunctuationOrWord(), specialTokens: null);

    private readonly BertTokenizer _bert;

    private WordPieceTokenizer(BertTokenizer bert) => _bert = bert;

    public int ClassificationId => _bert.ClassificationTokenId;

    public int SeparatorId => _bert.SeparatorTokenId;

    public int PaddingId => _bert.PaddingTokenId;

    /// <summary>[CLS] + at most <paramref name="maxTokens"/> - 2 word pieces + [SEP]: Hugging Face's truncation of a single input.</summary>
    public int[] Encode(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = _bert.EncodeToIds(Clean(text), maxTokens - 2, addSpecialTokens: false, out _, out _);
        var ids = new int[pieces.Count + 2];
        ids[0] = ClassificationId;
        for (var i = 0; i < pieces.Count; i++) ids[i + 1] = pieces[i];
        ids[^1] = SeparatorId;
        return ids;
    }

    /// <summary>Word pieces in <paramref name="text"/>, without [CLS] and [SEP].</summary>
    public int CountTokens(string text) => text.Length == 0 ? 0 : _bert.EncodeToIds(Clean(text), addSpecialTokens: false).Count;

    /// <summary>
    /// Hugging Face's text cleaning, done here because Microsoft.ML.Tokenizers deletes tabs and line breaks (joining
    /// the words around them) and keeps zero-width and other format characters: every whitespace character becomes a
    /// space; NUL, U+FFFD and control, format, private-use and unassigned characters are removed.
    /// </summary>
    internal static string Clean(string text)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (c != ' ' && (char.IsWhiteSpace(c) || char.IsControl(c) || c > 0x7F))
            {
                clean = false;
                break;
            }
        }

        if (clean) return text;
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune)) builder.Append(' ');
            else if (rune.Value is 0 or 0xFFFD) continue;
            else if (Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                     or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned) continue;
            else builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    public static WordPieceTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var config = ReadTokenizerConfig(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json"));
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return FromTokenizerJson(path, config);

        var lines = File.ReadAllLines(path);
        var lowerCase = config.LowerCase ?? !HasCasedWords(lines);
        using var vocabulary = File.OpenRead(path);
        return new WordPieceTokenizer(BertTokenizer.Create(vocabulary, Options(lowerCase, config.StripAccents, config.TokenizeChineseChars, null)));
    }

    private static WordPieceTokenizer FromTokenizerJson(string path, TokenizerConfig config)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "WordPiece"
            || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            var kind = root.TryGetProperty("model", out var m) && m.TryGetProperty("type", out var t) ? t.GetString() : "unknown";
            throw new NotSupportedException($"{path} describes a {kind} tokenizer; ONNX embeddings support BERT WordPiece tokenizers (vocab.txt, or a tokenizer.json whose model type is WordPiece).");
        }

        // Microsoft.ML.Tokenizers reads a vocabulary as one token per line in id order: write tokenizer.json's map that way.
        var tokens = new SortedDictionary<int, string>();
        foreach (var entry in vocab.EnumerateObject()) tokens[entry.Value.GetInt32()] = entry.Name;
        if (tokens.Count == 0 || tokens.Keys.First() != 0 || tokens.Keys.Last() != tokens.Count - 1)
            throw new InvalidDataException($"{path}: the WordPiece vocabulary's ids are not 0..{tokens.Count - 1} without gaps.");

        bool? lowerCase = config.LowerCase, stripAccents = config.StripAccents, chinese = config.TokenizeChineseChars;
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
            && normalizer.TryGetProperty("type", out var normalizerType) && normalizerType.GetString() == "BertNormalizer")
        {
            lowerCase = Bool(normalizer, "lowercase") ?? lowerCase;
            stripAccents = Bool(normalizer, "strip_accents") ?? stripAccents;
            chinese = Bool(normalizer, "handle_chinese_chars") ?? chinese;
        }

        var text = new StringBuilder();
        foreach (var token in tokens.Values) text.Append(token).Append('\n');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var unknown = model.TryGetProperty("unk_token", out var unk) ? unk.GetString() : null;
        return new WordPieceTokenizer(BertTokenizer.Create(stream, Options(lowerCase ?? !HasCasedWords(tokens.Values), stripAccents, chinese, unknown)));
    }

    /// <remarks>
    /// Hugging Face strips accents exactly when the model is lower-cased unless told otherwise
    /// (<c>strip_accents=None</c>), and splits CJK characters into single tokens by default.
    /// <para>
    /// The pre-tokenizer replaces Microsoft.ML.Tokenizers' default (words and punctuation only), which drops symbols
    /// such as <c>&gt; = + $ | ~ ^ ` © €</c> altogether; Hugging Face's basic tokenizer splits every punctuation
    /// character off (ASCII non-alphanumerics count as punctuation) and keeps other symbols as (parts of) words.
    /// Special tokens written in the text ("[SEP]") are not honoured: input text cannot inject them.
    /// </para>
    /// </remarks>
    private static BertOptions Options(bool lowerCase, bool? stripAccents, bool? tokenizeChineseChars, string? unknownToken)
    {
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            RemoveNonSpacingMarks = stripAccents ?? lowerCase,
            IndividuallyTokenizeCjk = tokenizeChineseChars ?? true,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = false,
            PreTokenizer = BasicPreTokenizer,
        };
        if (!string.IsNullOrEmpty(unknownToken)) options.UnknownToken = unknownToken;
        return options;
    }

    /// <summary>
    /// Cased vocabularies hold words with ASCII capitals ("The"); uncased ones none outside bracketed special tokens
    /// ([CLS], [unused0]). Only ASCII counts: bert-base-uncased keeps a few symbols that are letters in upper case (ℝ).
    /// </summary>
    private static bool HasCasedWords(IEnumerable<string> tokens) =>
        tokens.Any(t => !(t.StartsWith('[') && t.EndsWith(']')) && t.Any(char.IsAsciiLetterUpper));

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private sealed record TokenizerConfig(bool? LowerCase, bool? StripAccents, bool? TokenizeChineseChars);

    private static TokenizerConfig ReadTokenizerConfig(string path)
    {
        if (!File.Exists(path)) return new TokenizerConfig(null, null, null);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        return new TokenizerConfig(Bool(root, "do_lower_case"), Bool(root, "strip_accents"), Bool(root, "tokenize_chinese_chars"));
    }

    /// <summary>One punctuation character (any Unicode P*, or an ASCII non-alphanumeric), or a run of anything else but whitespace.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"[!-/:-@\[-`{-~\p{P}]|[^\s!-/:-@\[-`{-~\p{P}]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PunctuationOrWord();
}
