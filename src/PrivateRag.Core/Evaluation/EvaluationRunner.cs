using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// Carries out queued runs, one at a time: retrieval metrics through <see cref="RetrievalEvaluator"/>, answer metrics
/// through <see cref="AnswerEvaluator"/> (the real answer path), then the averages, the settings and every question's
/// outcome are stored with the run. Progress and a heartbeat are written while it works.
/// </summary>
public sealed class EvaluationRunner(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    IRetriever retriever,
    AnswerEvaluator answers,
    IChunkIndex index,
    EvaluationSignal signal,
    ModelCapabilities models,
    IOptions<RetrievalOptions> retrievalOptions,
    IOptions<AnswerOptions> answerOptions,
    TimeProvider clock,
    ILogger<EvaluationRunner> logger)
{
    /// <summary>A running run whose heartbeat is older than this was cut off (the app stopped) and is marked failed.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Claims the oldest queued run and carries it out; false when nothing is queued.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct = default)
    {
        Guid? next;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            next = await db.EvaluationRuns.Where(r => r.Status == EvaluationRunStatus.Queued)
                .OrderBy(r => r.CreatedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
        }
        if (next is not { } id) return false;
        await RunAsync(id, ct);
        return true;
    }

    /// <summary>Marks runs left "running" by a stopped process as failed, so they do not look alive for ever.</summary>
    public async Task<int> FailAbandonedAsync(CancellationToken ct = default)
    {
        var before = clock.GetUtcNow() - AbandonedAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.EvaluationRuns
            .Where(r => r.Status == EvaluationRunStatus.Running && (r.HeartbeatAt == null || r.HeartbeatAt < before))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, EvaluationRunStatus.Failed)
                .SetProperty(r => r.Error, "The app stopped during this run; start it again.")
                .SetProperty(r => r.FinishedAt, clock.GetUtcNow()), ct);
    }

    /// <summary>Carries out one queued run. Another process (scale-out) may have claimed it first; then nothing happens.</summary>
    public async Task RunAsync(Guid runId, CancellationToken stopping = default)
    {
        if (!await ClaimAsync(runId, stopping)) return;
        using var cancellation = signal.Track(runId, stopping);
        var progress = new RunProgress();
        using var heartbeat = new CancellationTokenSource();
        var writer = WriteProgressAsync(runId, progress, heartbeat.Token);
        try
        {
            await ExecuteAsync(runId, progress, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            var byAdmin = !stopping.IsCancellationRequested;
            await FinishAsync(runId, byAdmin ? EvaluationRunStatus.Cancelled : EvaluationRunStatus.Failed,
                byAdmin ? null : "The app stopped during this run; start it again.");
        }
        catch (Exception e)
        {
            if (!IsExpected(e)) logger.LogError(e, "Evaluation run {RunId} failed", runId);
            await FinishAsync(runId, EvaluationRunStatus.Failed, IsExpected(e) ? e.Message : $"The run failed: {e.Message}");
        }
        finally
        {
            signal.Untrack(runId);
            await heartbeat.CancelAsync();
            await writer;
        }
    }

    private async Task<bool> ClaimAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.EvaluationRuns.Where(r => r.Id == runId && r.Status == EvaluationRunStatus.Queued)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, EvaluationRunStatus.Running)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.HeartbeatAt, now), ct) == 1;
    }

    private async Task ExecuteAsync(Guid runId, RunProgress progress, CancellationToken ct)
    {
        EvaluationRun run;
        List<EvaluationQuestion> questions;
        List<Guid> collections;
        List<string> documentNames;
        int chunks;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            run = await db.EvaluationRuns.AsNoTracking().FirstAsync(r => r.Id == runId, ct);
            questions = await db.EvaluationQuestions.AsNoTracking()
                .Where(q => q.SetId == run.SetId && q.ExpectedSources != null).OrderBy(q => q.Position).ToListAsync(ct);
            var requested = EvaluationMapping.ParseIds(run.CollectionIds);
            collections = await db.Collections.Where(c => requested.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
            var documents = await db.Documents.AsNoTracking()
                .Where(d => collections.Contains(d.CollectionId) && d.Status == DocumentStatus.Indexed)
                .Select(d => new { d.Name, d.Chunks }).ToListAsync(ct);
            documentNames = documents.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList();
            chunks = documents.Sum(d => d.Chunks);
        }
        if (collections.Count == 0) throw new InvalidRequestException("The collections of this run no longer exist.");
        if (questions.Count == 0) throw new InvalidRequestException("No question of this set has an expected source.");

        var cases = questions.Select(q => EvaluationCase.For(q, documentNames)).ToList();
        var judged = cases.Count(c => c.Relevant.Count > 0);
        var total = judged + (run.IncludeAnswers ? cases.Count : 0);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var settings = Settings(documentNames.Count, chunks);
            await db.EvaluationRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Total, total)
                .SetProperty(r => r.Questions, cases.Count)
                .SetProperty(r => r.Mode, settings.AnswerMode)
                .SetProperty(r => r.SettingsJson, JsonSerializer.Serialize(settings, Json)), ct);
        }

        var qrels = new Qrels(cases.Where(c => c.Relevant.Count > 0)
            .ToDictionary(c => c.Key, c => c.Relevant, StringComparer.Ordinal));
        var (report, perQuery) = await RetrievalEvaluator.EvaluateAsync(
            cases.Select(c => new BeirQuery(c.Key, c.Question.Text)).ToList(), qrels,
            async (text, token) => (await retriever.SearchAsync(new SearchRequest(text, collections, HybridRetriever.MaxTop), token))
                .Select(r => r.Chunk).ToList(),
            new InlineProgress(n => progress.Done = n), ct);
        var byKey = perQuery.ToDictionary(r => r.QueryId, StringComparer.Ordinal);

        AnswerEvaluationResult? answered = null;
        if (run.IncludeAnswers)
        {
            answered = await answers.EvaluateAsync(
                cases.Select(c => new AnswerQuestion(c.Question.Text, c.AnswerPatterns, c.Question.ReferenceAnswer)).ToList(),
                collections, new InlineProgress(n => progress.Done = judged + n), ct);
        }

        var items = cases.Select((c, i) =>
        {
            var retrieval = byKey.GetValueOrDefault(c.Key);
            var answer = answered?.Items[i];
            return new EvaluationRunItem
            {
                RunId = runId,
                Position = i,
                Question = c.Question.Text,
                Expected = Clip(c.Question.ExpectedSources ?? "", 2000),
                Ndcg10 = retrieval?.Ndcg10,
                Recall10 = retrieval?.Recall10,
                Mrr10 = retrieval?.Mrr10,
                CitesExpected = answer?.CitesRightSource,
                SourcesIncludeExpected = answer?.SourcesIncludeRightSource,
                NotFound = answer?.NotFound,
                CitedDocuments = answer is null ? null : Clip(string.Join(", ", answer.CitedDocuments), 4000),
                Answer = answer?.Answer,
                Ms = Math.Round(answer?.Ms ?? retrieval?.Milliseconds ?? 0, 1),
            };
        }).ToList();

        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            db.EvaluationRunItems.AddRange(items);
            await db.SaveChangesAsync(CancellationToken.None);
            var retrievalScored = report.Queries > 0;
            await db.EvaluationRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, EvaluationRunStatus.Completed)
                .SetProperty(r => r.Done, total)
                .SetProperty(r => r.FinishedAt, clock.GetUtcNow())
                .SetProperty(r => r.HeartbeatAt, clock.GetUtcNow())
                .SetProperty(r => r.Ndcg10, retrievalScored ? report.Ndcg10 : null)
                .SetProperty(r => r.Recall10, retrievalScored ? report.Recall10 : null)
                .SetProperty(r => r.Mrr10, retrievalScored ? report.Mrr10 : null)
                .SetProperty(r => r.CitesExpected, answered == null ? null : answered.CitesRightSource)
                .SetProperty(r => r.SourcesIncludeExpected, answered == null ? null : answered.SourcesIncludeRightSource)
                .SetProperty(r => r.NotFoundRate, answered == null ? null : answered.NotFound), CancellationToken.None);
        }
        logger.LogInformation("Evaluation run {RunId} completed: {Questions} questions", runId, cases.Count);
    }

    private RunSettings Settings(int documents, int chunks)
    {
        var chat = models.Chat;
        var embedder = models.Embedder;
        return new RunSettings(
            chat is null ? ExtractiveAnswerer.Mode : chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? "chat model",
            embedder?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId,
            retriever.IsHybrid,
            index.GetType().Name,
            documents,
            chunks,
            retrievalOptions.Value,
            answerOptions.Value);
    }

    /// <summary>Writes the progress every second (when it moved) and a heartbeat at least every 30 s, until cancelled.</summary>
    private async Task WriteProgressAsync(Guid runId, RunProgress progress, CancellationToken ct)
    {
        var written = -1;
        var lastBeat = clock.GetUtcNow();
        try
        {
            using var timer = new PeriodicTimer(ProgressInterval, clock);
            while (await timer.WaitForNextTickAsync(ct))
            {
                var done = progress.Done;
                var now = clock.GetUtcNow();
                if (done == written && now - lastBeat < TimeSpan.FromSeconds(30)) continue;
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await db.EvaluationRuns.Where(r => r.Id == runId && r.Status == EvaluationRunStatus.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.Done, done).SetProperty(r => r.HeartbeatAt, now), ct);
                written = done;
                lastBeat = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Writing the progress of evaluation run {RunId} failed", runId);
        }
    }

    private async Task FinishAsync(Guid runId, EvaluationRunStatus status, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.EvaluationRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Error, error == null ? null : Clip(error, 4000))
            .SetProperty(r => r.FinishedAt, clock.GetUtcNow()), CancellationToken.None);
    }

    private static bool IsExpected(Exception e) => e is InvalidRequestException or NotFoundException;

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    private sealed class RunProgress
    {
        private int _done;

        public int Done
        {
            get => Volatile.Read(ref _done);
            set => Volatile.Write(ref _done, value);
        }
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post and could arrive out of order).</summary>
    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
