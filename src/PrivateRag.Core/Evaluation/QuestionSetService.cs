using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// Question sets for evaluation: imported from BEIR files or an answer CSV, or made from the questions whose answers
/// got a thumbs-down, then labelled with the file a right answer cites. Admin-only, checked here on every call (an open
/// page of an admin who was demoted must not go on; questions from feedback are other users' words).
/// </summary>
public sealed class QuestionSetService(IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<QuestionSetSummary>> ListAsync(AccessContext who, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Summaries(db.QuestionSets.OrderByDescending(s => s.CreatedAt), db).ToListAsync(ct);
    }

    public async Task<QuestionSetDetail?> GetAsync(AccessContext who, Guid id, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var summary = await Summaries(db.QuestionSets.Where(s => s.Id == id), db).FirstOrDefaultAsync(ct);
        if (summary is null) return null;
        var questions = await db.EvaluationQuestions.AsNoTracking().Where(q => q.SetId == id).OrderBy(q => q.Position).ToListAsync(ct);
        return new QuestionSetDetail(summary, questions.Select(q => q.ToInfo()).ToList());
    }

    public async Task<QuestionSetSummary> ImportBeirAsync(AccessContext who, string name, Guid collectionId, Stream queries, string queriesName,
        Stream qrels, string qrelsName, CancellationToken ct = default)
    {
        RequireAdmin(who);
        var clean = CleanName(name);
        var names = await DocumentNamesAsync(collectionId, ct);
        var questions = await QuestionSetFiles.ReadBeirAsync(queries, queriesName, qrels, qrelsName, ct);
        // A qrels corpus id names a document by its BEIR _id, its file name with or without extension, or NAME#PAGE.
        var known = names.Concat(names.Select(Path.GetFileNameWithoutExtension).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        var targets = questions.SelectMany(q => SourcePattern.Split(q.ExpectedSources)).Select(t => QrelTarget.Parse(t).Name);
        if (!targets.Any(known.Contains))
            throw new InvalidRequestException(
                $"No corpus id in {qrelsName} names a document of this collection; import the BEIR corpus into it first " +
                "(privaterag ingest corpus.jsonl --collection NAME names each document by its _id).");
        return await SaveAsync(clean, QuestionSetKind.Beir, collectionId, questions, ct);
    }

    public async Task<QuestionSetSummary> ImportCsvAsync(AccessContext who, string name, Guid collectionId, Stream csv, string fileName, CancellationToken ct = default)
    {
        RequireAdmin(who);
        var clean = CleanName(name);
        var names = await DocumentNamesAsync(collectionId, ct);
        IReadOnlyList<ImportedQuestion> questions;
        using (var reader = new StreamReader(csv, leaveOpen: true)) questions = QuestionSetFiles.ReadCsv(reader, fileName);
        var patterns = questions.SelectMany(q => SourcePattern.Split(q.ExpectedSources)).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(SourcePattern.ToRegex).ToList();
        if (!names.Any(n => patterns.Any(p => p.IsMatch(n))))
            throw new InvalidRequestException($"{fileName}: no 'Source Docs' entry names a document of this collection; upload the documents first or pick the collection they are in.");
        return await SaveAsync(clean, QuestionSetKind.Csv, collectionId, questions, ct);
    }

    /// <summary>
    /// A set of the questions whose answers got a thumbs-down (newest first, each question once), without expected
    /// sources: an admin labels them before they count. Only the question and the feedback comment are copied — not
    /// who asked, nor the answer.
    /// </summary>
    public async Task<QuestionSetSummary> CreateFromFeedbackAsync(AccessContext who, string name, Guid? collectionId, CancellationToken ct = default)
    {
        RequireAdmin(who);
        var clean = CleanName(name);
        if (collectionId is { } id) await DocumentNamesAsync(id, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ConversationTurns.AsNoTracking()
            .Where(t => t.Role == TurnRole.Assistant && t.Feedback == -1)
            .OrderByDescending(t => t.CreatedAt)
            .Take(QuestionSetFiles.MaxQuestions)
            .Select(t => new
            {
                t.FeedbackComment,
                Question = db.ConversationTurns
                    .Where(u => u.ConversationId == t.ConversationId && u.Role == TurnRole.User && u.CreatedAt <= t.CreatedAt)
                    .OrderByDescending(u => u.CreatedAt).Select(u => u.Text).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var questions = rows.Where(r => !string.IsNullOrWhiteSpace(r.Question))
            .GroupBy(r => r.Question!.Trim(), StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                // Several people may have disliked answers to the same question: keep each comment once.
                var comments = string.Join(" | ", g.Select(r => r.FeedbackComment?.Trim()).Where(c => !string.IsNullOrEmpty(c)).Distinct());
                return new ImportedQuestion(null, QuestionSetFiles.Clip(g.Key), "", null, null, comments.Length == 0 ? null : comments[..Math.Min(comments.Length, 2000)]);
            })
            .ToList();
        if (questions.Count == 0)
            throw new InvalidRequestException("No answer has a thumbs-down yet, so there is no question to collect.");
        return await SaveAsync(clean, QuestionSetKind.Feedback, collectionId, questions, ct);
    }

    /// <summary>Sets (or clears, with blank) the expected sources of one question: names or globs, comma-separated.</summary>
    public async Task<QuestionInfo> LabelAsync(AccessContext who, Guid questionId, string? expectedSources, CancellationToken ct = default)
    {
        RequireAdmin(who);
        var patterns = SourcePattern.Split(expectedSources);
        var joined = string.Join(", ", patterns);
        if (joined.Length > 2000) throw new InvalidRequestException("The expected sources are longer than 2000 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var question = await db.EvaluationQuestions.FirstOrDefaultAsync(q => q.Id == questionId, ct)
            ?? throw new NotFoundException($"Question {questionId} was not found.");
        var kind = await db.QuestionSets.Where(s => s.Id == question.SetId).Select(s => s.Kind).FirstAsync(ct);
        if (kind == QuestionSetKind.Beir) throw new InvalidRequestException("A BEIR question is labelled by its qrels file; upload the set again to change it.");
        question.ExpectedSources = joined.Length == 0 ? null : joined;
        await db.SaveChangesAsync(ct);
        return question.ToInfo();
    }

    /// <summary>Deletes the set with its questions and runs.</summary>
    public async Task<bool> DeleteAsync(AccessContext who, Guid id, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await db.QuestionSets.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (set is null) return false;
        if (await db.EvaluationRuns.AnyAsync(r => r.SetId == id && r.Status == EvaluationRunStatus.Running, ct))
            throw new ConflictException("A run of this set is in progress; cancel it or wait until it ends.");
        db.QuestionSets.Remove(set);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<QuestionSetSummary> SaveAsync(string name, QuestionSetKind kind, Guid? collectionId, IReadOnlyList<ImportedQuestion> questions,
        CancellationToken ct)
    {
        var set = new QuestionSet { Name = name, Kind = kind, CollectionId = collectionId, CreatedAt = clock.GetUtcNow() };
        set.Questions.AddRange(questions.Select((q, i) => new EvaluationQuestion
        {
            SetId = set.Id,
            Position = i,
            ExternalId = q.ExternalId,
            Text = q.Text,
            ExpectedSources = q.ExpectedSources.Length == 0 ? null : q.ExpectedSources,
            JudgementsJson = q.JudgementsJson,
            Note = q.Note,
            ReferenceAnswer = q.ReferenceAnswer,
        }));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.QuestionSets.Add(set);
        await db.SaveChangesAsync(ct);
        return await Summaries(db.QuestionSets.Where(s => s.Id == set.Id), db).FirstAsync(ct);
    }

    /// <summary>The names of the collection's documents; throws when the collection does not exist.</summary>
    private async Task<IReadOnlyList<string>> DocumentNamesAsync(Guid collectionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Collections.AnyAsync(c => c.Id == collectionId, ct))
            throw new NotFoundException($"Collection {collectionId} was not found.");
        return await db.Documents.Where(d => d.CollectionId == collectionId).Select(d => d.Name).ToListAsync(ct);
    }

    private static string CleanName(string? name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length is 0 or > 200) throw new InvalidRequestException("A question set needs a name of 1 to 200 characters.");
        return clean;
    }

    /// <remarks>Filter and order <paramref name="sets"/> before: EF cannot translate filters on the projected record.</remarks>
    private static IQueryable<QuestionSetSummary> Summaries(IQueryable<QuestionSet> sets, PrivateRagDbContext db) =>
        sets.AsNoTracking().Select(s => new QuestionSetSummary(
            s.Id, s.Name, s.Kind, s.CollectionId,
            db.Collections.Where(c => c.Id == s.CollectionId).Select(c => c.Name).FirstOrDefault(),
            s.Questions.Count,
            s.Questions.Count(q => q.ExpectedSources != null),
            s.CreatedAt));

    private static void RequireAdmin(AccessContext who)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can manage evaluation question sets.");
    }
}
