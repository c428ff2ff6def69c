using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Evaluation;

/// <summary>Queues, lists, reads and cancels evaluation runs; <see cref="EvaluationRunner"/> carries them out. Admin-only, checked
/// here on every call.</summary>
public sealed class EvaluationRunService(IDbContextFactory<PrivateRagDbContext> dbFactory, EvaluationSignal signal, TimeProvider clock)
{
    public async Task<RunSummary> StartAsync(AccessContext who, StartRunRequest request, CancellationToken ct = default)
    {
        RequireAdmin(who);
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await db.QuestionSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.SetId, ct)
            ?? throw new NotFoundException($"Question set {request.SetId} was not found.");
        if (!await db.EvaluationQuestions.AnyAsync(q => q.SetId == set.Id && q.ExpectedSources != null, ct))
            throw new InvalidRequestException("No question of this set has an expected source yet; label some questions first.");
        var requested = request.CollectionIds is { Count: > 0 } ids ? ids.Distinct().ToList()
            : set.CollectionId is { } own ? [own]
            : throw new InvalidRequestException("Choose at least one collection to run against.");
        var existing = await db.Collections.Where(c => requested.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        if (existing.Count != requested.Count)
            throw new NotFoundException($"Collection {requested.First(id => !existing.Contains(id))} was not found.");

        var run = new EvaluationRun
        {
            SetId = set.Id,
            CollectionIds = EvaluationMapping.JoinIds(requested),
            IncludeAnswers = request.IncludeAnswers,
            StartedBy = who.DisplayName,
            CreatedAt = clock.GetUtcNow(),
        };
        db.EvaluationRuns.Add(run);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return run.ToSummary();
    }

    /// <summary>Runs oldest first (the order of a chart), of one set or of all.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(AccessContext who, Guid? setId = null, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.EvaluationRuns.AsNoTracking();
        if (setId is { } id) query = query.Where(r => r.SetId == id);
        var runs = await query.OrderBy(r => r.CreatedAt).ToListAsync(ct);
        return runs.Select(r => r.ToSummary()).ToList();
    }

    public async Task<RunDetail?> GetAsync(AccessContext who, Guid runId, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.EvaluationRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return null;
        var items = await db.EvaluationRunItems.AsNoTracking().Where(i => i.RunId == runId).OrderBy(i => i.Position).ToListAsync(ct);
        return new RunDetail(run.ToSummary(), run.SettingsJson, items.Select(i => i.ToInfo()).ToList());
    }

    /// <summary>A queued run is cancelled at once; a running one stops after the question in progress.</summary>
    public async Task<bool> CancelAsync(AccessContext who, Guid runId, CancellationToken ct = default)
    {
        RequireAdmin(who);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var queued = await db.EvaluationRuns.Where(r => r.Id == runId && r.Status == EvaluationRunStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, EvaluationRunStatus.Cancelled).SetProperty(r => r.FinishedAt, clock.GetUtcNow()), ct);
        return queued == 1 || signal.Cancel(runId);
    }

    private static void RequireAdmin(AccessContext who)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can run or read evaluations.");
    }
}
