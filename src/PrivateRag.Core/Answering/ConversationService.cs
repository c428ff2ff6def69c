using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Answering;

public sealed record ConversationSummary(Guid Id, string Title, DateTimeOffset UpdatedAt);

public sealed record ConversationMessage(Guid Id, TurnRole Role, string Text, IReadOnlyList<Citation> Citations, string? Mode, int? Feedback, DateTimeOffset CreatedAt);

public sealed record ConversationDetail(Guid Id, string Title, IReadOnlyList<ConversationMessage> Messages);

/// <summary>A user's own conversations; nobody else's are ever listed, read or changed.</summary>
public sealed class ConversationService(IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(AccessContext who, string? search = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Conversations.AsNoTracking().Where(c => c.Owner == who.Subject);
        if (!string.IsNullOrWhiteSpace(search)) query = query.Where(c => c.Title.Contains(search.Trim()));
        return await query.OrderByDescending(c => c.UpdatedAt).Take(200)
            .Select(c => new ConversationSummary(c.Id, c.Title, c.UpdatedAt)).ToListAsync(ct);
    }

    public async Task<ConversationDetail?> GetAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Owner == who.Subject, ct);
        if (c is null) return null;
        var turns = await db.ConversationTurns.AsNoTracking().Where(t => t.ConversationId == id).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        return new ConversationDetail(c.Id, c.Title, turns.Select(t => new ConversationMessage(
            t.Id, t.Role, t.Text, ChatService.ReadCitations(t.CitationsJson), t.Mode, t.Feedback, t.CreatedAt)).ToList());
    }

    public async Task<bool> RenameAsync(Guid id, string title, AccessContext who, CancellationToken ct = default)
    {
        var clean = title.Trim();
        if (clean.Length is 0 or > 200) throw new InvalidRequestException("A title needs 1 to 200 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Conversations.Where(c => c.Id == id && c.Owner == who.Subject)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, clean).SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), ct) == 1;
    }

    public async Task<bool> DeleteAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.Owner == who.Subject, ct);
        if (c is null) return false;
        db.Conversations.Remove(c);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Stores thumbs up (+1) or down (-1) and an optional comment on one of the caller's answers.</summary>
    public async Task<bool> SetFeedbackAsync(Guid messageId, int rating, string? comment, AccessContext who, CancellationToken ct = default)
    {
        if (rating is not (1 or -1)) throw new InvalidRequestException("Feedback is +1 (helpful) or -1 (not helpful).");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owned = db.Conversations.Where(c => c.Owner == who.Subject).Select(c => c.Id);
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 2000)];
        return await db.ConversationTurns
            .Where(t => t.Id == messageId && t.Role == TurnRole.Assistant && owned.Contains(t.ConversationId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Feedback, rating).SetProperty(t => t.FeedbackComment, text), ct) == 1;
    }
}
