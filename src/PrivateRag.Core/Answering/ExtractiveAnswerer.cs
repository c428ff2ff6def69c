using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Answers without a language model: the sentences of the retrieved passages that share the most (rarer) words with
/// the question, in source order, each cited. Nothing is made up, so it is always labelled as quotations.
/// </summary>
public static partial class ExtractiveAnswerer
{
    public const string Mode = "extractive";

    public const string Preface = "No language model is configured, so here are the passages that best match your question:";

    [GeneratedRegex(@"(?<=[.!?。！？])\s+(?=[\p{Lu}\p{Lo}\d""'(\[])")]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    public static string Answer(string question, IReadOnlyList<NumberedSource> sources, int maxSentences)
    {
        var queryTerms = Terms(question).ToHashSet();
        var candidates = new List<(NumberedSource Source, int Position, string Sentence, double Score)>();
        foreach (var source in sources)
        {
            var sentences = SentenceBreak().Split(Normalize(source.Result.Chunk.Text));
            for (var i = 0; i < sentences.Length; i++)
            {
                var sentence = sentences[i].Trim();
                if (sentence.Length < 20) continue;
                var terms = Terms(sentence).ToList();
                if (terms.Count == 0) continue;
                var overlap = terms.Distinct().Count(queryTerms.Contains);
                // Earlier sources rank higher; very long sentences are usually table dumps.
                var score = overlap / Math.Sqrt(Math.Max(terms.Count, 8)) + 0.15 / source.N + (sentence.Length > 600 ? -0.5 : 0);
                candidates.Add((source, i, sentence, score));
            }
        }
        var chosen = candidates
            .Where(c => c.Score > 0)
            .OrderByDescending(c => c.Score)
            .Take(maxSentences)
            .OrderBy(c => c.Source.N).ThenBy(c => c.Position)
            .ToList();
        if (chosen.Count == 0)
            chosen = sources.Take(1).Select(s => (s, 0, Snippets.Shorten(Normalize(s.Result.Chunk.Text), 400), 0.0)).ToList();

        var sb = new StringBuilder(Preface).Append("\n\n");
        foreach (var c in chosen)
            sb.Append("- ").Append(Snippets.Shorten(c.Sentence, 500)).Append(" [").Append(c.Source.N).Append("]\n");
        return sb.ToString().TrimEnd();
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    private static IEnumerable<string> Terms(string text)
    {
        foreach (Match m in Word().Matches(text.ToLower(CultureInfo.InvariantCulture)))
        {
            var w = m.Value;
            if (w.Length < 3 || StopWords.Contains(w)) continue;
            yield return w.Length > 5 ? w[..5] : w; // crude stemming: "revenues"/"revenue" meet
        }
    }

    private static readonly HashSet<string> StopWords =
    [
        "the", "and", "for", "are", "was", "were", "what", "which", "who", "whom", "this", "that", "these", "those", "with",
        "from", "have", "has", "had", "how", "why", "when", "where", "does", "did", "not", "but", "you", "your", "our",
        "its", "their", "they", "them", "can", "could", "would", "should", "will", "about", "into", "than", "then", "there",
        "der", "die", "das", "und", "ist", "ein", "eine", "mit", "von", "für", "wie", "was", "wer",
    ];
}
