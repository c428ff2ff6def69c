using PrivateRag.Tests;
using System.Text.Json;
using PrivateRag.Inference.Onnx;

namespace PrivateRag.Inference.Tests.RealWeights;

/// <summary>
/// Our WordPiece tokenization against what Hugging Face's BertTokenizer (uncased) produces for the same text, on the
/// real all-MiniLM-L6-v2 vocabulary: these are the cases the package's simplified tokenizer and Microsoft.ML.Tokenizers'
/// defaults get wrong.
/// </summary>
public sealed class WordPieceTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privaterag-wordpiece-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Pieces(WordPieceTokenizer tokenizer, string text)
    {
        var vocabulary = File.ReadAllLines(PackagedModel.MiniLM.VocabularyPath);
        return string.Join(' ', tokenizer.Encode(text, 512).Select(id => vocabulary[id]));
    }

    [PackagedModelTheory]
    [InlineData("Café au lait, naïve résumé", "[CLS] cafe au lai ##t , naive resume [SEP]")] // NFD + accents stripped (uncased)
    [InlineData("東京は日本", "[CLS] 東 京 は 日 本 [SEP]")] // CJK ideographs are single words
    [InlineData("Tab\tseparated\nlines", "[CLS] tab separated lines [SEP]")] // tabs and line breaks are spaces
    [InlineData("age > 30, x = $5 + 3 | ~y", "[CLS] age > 30 , x = $ 5 + 3 | ~ y [SEP]")] // ASCII symbols are punctuation: split off, never dropped
    [InlineData("© ™ € ½", "[CLS] © ™ € ½ [SEP]")] // other symbols stay (as words)
    [InlineData("[SEP] inside", "[CLS] [ sep ] inside [SEP]")] // text cannot inject special tokens
    [InlineData("", "[CLS] [SEP]")]
    public void Text_is_split_as_bert_does(string text, string expected)
    {
        var tokenizer = WordPieceTokenizer.Load(PackagedModel.MiniLM.VocabularyPath);

        Assert.Equal(expected, Pieces(tokenizer, text));
    }

    [PackagedModelFact]
    public void Format_and_control_characters_are_removed_without_splitting_the_word()
    {
        var tokenizer = WordPieceTokenizer.Load(PackagedModel.MiniLM.VocabularyPath);

        Assert.Equal(Pieces(tokenizer, "zerowidth and"), Pieces(tokenizer, "zero\u200bwidth\u0000 and\uFFFD"));
    }

    [PackagedModelFact]
    public void Truncation_keeps_cls_and_sep_around_the_first_pieces()
    {
        var tokenizer = WordPieceTokenizer.Load(PackagedModel.MiniLM.VocabularyPath);

        var ids = tokenizer.Encode(string.Join(' ', Enumerable.Repeat("word", 100)), 16);

        Assert.Equal(16, ids.Length);
        Assert.Equal(tokenizer.ClassificationId, ids[0]);
        Assert.Equal(tokenizer.SeparatorId, ids[^1]);
        Assert.All(ids[1..^1], id => Assert.Equal(ids[1], id));
    }

    [PackagedModelFact]
    public void A_word_piece_tokenizer_json_tokenizes_like_its_vocab_txt()
    {
        var vocabulary = File.ReadAllLines(PackagedModel.MiniLM.VocabularyPath);
        var json = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            normalizer = new { type = "BertNormalizer", clean_text = true, handle_chinese_chars = true, strip_accents = (bool?)null, lowercase = true },
            model = new { type = "WordPiece", unk_token = "[UNK]", continuing_subword_prefix = "##", max_input_chars_per_word = 100, vocab = vocabulary.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i) },
        }));
        var fromText = WordPieceTokenizer.Load(PackagedModel.MiniLM.VocabularyPath);
        var fromJson = WordPieceTokenizer.Load(json);

        foreach (var (text, _) in OnnxEmbeddingTests.Cases)
            Assert.Equal(fromText.Encode(text, 512), fromJson.Encode(text, 512));
    }

    [Fact]
    public void A_tokenizer_json_that_is_not_word_piece_is_refused_with_the_reason()
    {
        var json = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(json, """{"model": {"type": "Unigram", "vocab": [["<s>", 0.0]]}}""");

        var error = Assert.Throws<NotSupportedException>(() => WordPieceTokenizer.Load(json));

        Assert.Contains("Unigram", error.Message);
        Assert.Contains("WordPiece", error.Message);
    }

    [Fact]
    public void Cased_vocabularies_are_not_lower_cased()
    {
        var vocab = Path.Combine(_dir, "vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "The", "the", "Über", "uber"]);

        var tokenizer = WordPieceTokenizer.Load(vocab);

        Assert.Equal([2, 5, 6, 7, 3], tokenizer.Encode("The the Über", 512));
    }
}
