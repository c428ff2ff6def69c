using System.Text.Json;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// One labelled question made ready for both evaluators: the qrels its retrieval is scored against and the patterns
/// its answer's citations must match.
/// </summary>
internal sealed record EvaluationCase(string Key, EvaluationQuestion Question, Dictionary<string, int> Relevant, IReadOnlyList<string> AnswerPatterns)
{
    /// <summary>
    /// A BEIR question keeps its qrels; a CSV or feedback question's expected sources (names or globs) are resolved
    /// against the names of the documents searched, each match a relevant document of grade 1. A pattern that matches
    /// no document stays as it is: never found, it scores 0, which is what the admin needs to see.
    /// </summary>
    public static EvaluationCase For(EvaluationQuestion question, IReadOnlyList<string> documentNames)
    {
        var key = question.Id.ToString("N");
        var patterns = SourcePattern.Split(question.ExpectedSources);
        if (question.JudgementsJson is { } json)
        {
            var judgements = JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [];
            // A document named by its _id may carry an extension ("123.txt"), and a page target names its document.
            var names = judgements.Where(j => j.Value > 0).Select(j => QrelTarget.Parse(j.Key).Name).Distinct(StringComparer.Ordinal).ToList();
            return new EvaluationCase(key, question, new Dictionary<string, int>(judgements, StringComparer.Ordinal),
                names.Concat(names.Select(n => n + ".*")).ToList());
        }

        var relevant = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var regex = SourcePattern.ToRegex(pattern);
            var matches = documentNames.Where(n => regex.IsMatch(n)).ToList();
            if (matches.Count == 0) relevant[pattern] = 1;
            foreach (var name in matches) relevant[name] = 1;
        }
        return new EvaluationCase(key, question, relevant, patterns);
    }
}
