using System.Text.Json;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Evaluation;

/// <summary>A question read from an uploaded file, before it is stored in a set.</summary>
public sealed record ImportedQuestion(string? ExternalId, string Text, string ExpectedSources, string? JudgementsJson, string? ReferenceAnswer, string? Note = null);

/// <summary>
/// Reads the two upload formats of question sets, with errors that name the file and what is wrong in it: BEIR
/// <c>queries.jsonl</c> + qrels <c>.tsv</c> (see <see cref="BeirFiles"/>), and the answer CSV the CLI's
/// <c>eval answers</c> reads (see <see cref="AnswerEvaluator.ReadQuestions"/>).
/// </summary>
public static class QuestionSetFiles
{
    public const int MaxQuestions = 10_000;
    public const int MaxQuestionChars = 4000;

    /// <summary>The queries with at least one relevant judgement; the others could not be scored and are left out.</summary>
    public static async Task<IReadOnlyList<ImportedQuestion>> ReadBeirAsync(
        Stream queries, string queriesName, Stream qrels, string qrelsName, CancellationToken ct = default)
    {
        IReadOnlyList<BeirQuery> read;
        Qrels judgements;
        try
        {
            read = await BeirFiles.ReadQueriesAsync(queries, queriesName, ct);
            judgements = await BeirFiles.ReadQrelsAsync(qrels, qrelsName, ct);
        }
        catch (FormatException e)
        {
            throw new InvalidRequestException(e.Message);
        }

        if (read.Count == 0)
            throw new InvalidRequestException($"{queriesName}: no query found; expected one JSON object per line with \"_id\" and \"text\".");
        if (judgements.Judgements.Count == 0)
            throw new InvalidRequestException($"{qrelsName}: no judgement found; expected rows 'query-id<TAB>corpus-id<TAB>score'.");
        if (read.GroupBy(q => q.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidRequestException($"{queriesName}: the query id '{twice.Key}' appears more than once.");
        if (read.FirstOrDefault(q => string.IsNullOrWhiteSpace(q.Text)) is { } blank)
            throw new InvalidRequestException($"{queriesName}: the query '{blank.Id}' has no \"text\".");

        var judged = read.Where(q => judgements.RelevantFor(q.Id).Count > 0).ToList();
        if (judged.Count == 0)
            throw new InvalidRequestException($"No query in {queriesName} has a relevant judgement (score above 0) in {qrelsName}; do the query ids match?");
        Limit(judged.Count, queriesName);
        return judged.Select(q => new ImportedQuestion(
            q.Id,
            Clip(q.Text),
            string.Join(", ", judgements.RelevantFor(q.Id).Select(r => r.Target.CorpusId)),
            JsonSerializer.Serialize(judgements.Judgements[q.Id]),
            null)).ToList();
    }

    /// <summary>Reads a CSV with the columns Question, Source Docs (names or globs, comma-separated) and optionally Answer.</summary>
    public static IReadOnlyList<ImportedQuestion> ReadCsv(TextReader csv, string fileName)
    {
        ArgumentNullException.ThrowIfNull(csv);
        IReadOnlyList<AnswerQuestion> questions;
        try
        {
            questions = AnswerEvaluator.ReadQuestions(csv);
        }
        catch (InvalidRequestException e)
        {
            throw new InvalidRequestException($"{fileName}: {e.Message}");
        }
        if (questions.Count == 0)
            throw new InvalidRequestException($"{fileName}: no question found; expected a header row 'Question,Source Docs,Answer' and one row per question.");
        if (questions.FirstOrDefault(q => q.SourcePatterns.Count == 0) is { } unlabelled)
            throw new InvalidRequestException($"{fileName}: the question '{Short(unlabelled.Question)}' has no 'Source Docs'; name the file a right answer cites.");
        Limit(questions.Count, fileName);
        return questions.Select(q => new ImportedQuestion(
            null,
            Clip(q.Question),
            string.Join(", ", q.SourcePatterns),
            null,
            string.IsNullOrWhiteSpace(q.ReferenceAnswer) ? null : q.ReferenceAnswer.Trim())).ToList();
    }

    private static void Limit(int count, string fileName)
    {
        if (count > MaxQuestions)
            throw new InvalidRequestException($"{fileName}: {count} questions; a set holds at most {MaxQuestions}.");
    }

    public static string Clip(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= MaxQuestionChars ? trimmed : trimmed[..MaxQuestionChars];
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
