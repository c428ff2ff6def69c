using System.Diagnostics;
using System.Text.RegularExpressions;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Text;

namespace PrivateRag.Core.Evaluation;

/// <summary>One question of an answer-level question set, with the documents a right answer cites (globs like *AAPL*).</summary>
public sealed record AnswerQuestion(string Question, IReadOnlyList<string> SourcePatterns, string? ReferenceAnswer);

/// <summary>
/// <see cref="CitesRightSource"/>: answers whose [n] citations include a right document. <see cref="SourcesIncludeRightSource"/>:
/// answers whose sources (cited or only shown) include one — the retrieval side of the same question.
/// </summary>
public sealed record AnswerEvaluationResult(
    int Questions, double CitesRightSource, double SourcesIncludeRightSource, double CitationsVerified, double NotFound,
    double P50Ms, double P95Ms, string Mode, IReadOnlyList<AnswerEvaluationItem> Items);

public sealed record AnswerEvaluationItem(string Question, bool CitesRightSource, bool SourcesIncludeRightSource, int Citations, int VerifiedCitations,
    bool NotFound, double Ms, IReadOnlyList<string> CitedDocuments, string Answer = "");

/// <summary>
/// Answer-level evaluation: asks every question of a set through the real answer path and measures the share of
/// answers citing a right source document, the share of citations verified against their passages, the share of
/// "not found" answers and latency.
/// </summary>
public sealed class AnswerEvaluator(ChatService chat, ConversationService conversations)
{
    /// <summary>Reads a CSV with columns Question, Source Docs (globs or names, comma-separated) and optionally Answer.</summary>
    public static IReadOnlyList<AnswerQuestion> ReadQuestions(TextReader csv)
    {
        var records = CsvRecords.Parse(csv.ReadToEnd()).ToList();
        if (records.Count == 0) return [];
        var header = records[0].Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        var rows = records.Skip(1).Where(r => r.Any(v => v.Length > 0))
            .Select(r => header.Select((h, i) => (h, v: i < r.Count ? r[i] : "")).ToDictionary(x => x.h, x => x.v, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (rows.Count > 0 && (!rows[0].ContainsKey("Question") || !rows[0].ContainsKey("Source Docs")))
            throw new InvalidRequestException("The question set needs the columns 'Question' and 'Source Docs' (and optionally 'Answer').");
        return rows.Where(r => !string.IsNullOrWhiteSpace(r["Question"]))
            .Select(r => new AnswerQuestion(r["Question"].Trim(),
                SourcePattern.Split(r["Source Docs"]),
                r.TryGetValue("Answer", out var a) ? a : null))
            .ToList();
    }

    public async Task<AnswerEvaluationResult> EvaluateAsync(IReadOnlyList<AnswerQuestion> questions, IReadOnlyList<Guid> collectionIds,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var items = new List<AnswerEvaluationItem>();
        var mode = "";
        foreach (var q in questions)
        {
            var started = Stopwatch.GetTimestamp();
            var answer = await chat.AskAsync(new ChatRequest(q.Question, null, collectionIds), AccessContext.System, ct);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            mode = answer.Mode;
            var cited = answer.Citations.Where(c => c.Cited).ToList();
            var patterns = q.SourcePatterns.Select(Glob).ToList();
            var right = cited.Any(c => patterns.Any(p => p.IsMatch(c.DocumentName)));
            var shown = answer.Citations.Any(c => patterns.Any(p => p.IsMatch(c.DocumentName)));
            items.Add(new AnswerEvaluationItem(q.Question, right, shown, cited.Count, cited.Count(c => c.Verified), answer.NotFound, ms,
                cited.Select(c => c.DocumentName).Distinct().ToList(), answer.Answer));
            await conversations.DeleteAsync(answer.ConversationId, AccessContext.System, ct);
            progress?.Report(items.Count);
        }
        var latencies = items.Select(i => i.Ms).ToList();
        var citations = items.Sum(i => i.Citations);
        return new AnswerEvaluationResult(
            items.Count,
            Share(items.Count(i => i.CitesRightSource), items.Count),
            Share(items.Count(i => i.SourcesIncludeRightSource), items.Count),
            Share(items.Sum(i => i.VerifiedCitations), citations),
            Share(items.Count(i => i.NotFound), items.Count),
            Math.Round(RankingMetrics.Percentile(latencies, 50), 1), Math.Round(RankingMetrics.Percentile(latencies, 95), 1), mode, items);
    }

    private static Regex Glob(string pattern) => SourcePattern.ToRegex(pattern);

    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round(part / (double)whole, 4);

}
