using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Audit;

/// <summary>The <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Store the text of each question with its audit entry (off by default: questions can be personal).</summary>
    public bool IncludeQuestionText { get; set; }

    /// <summary>Entries older than this are deleted by the background clean-up.</summary>
    [Range(1, 36_500)] public int RetentionDays { get; set; } = 180;

    /// <summary>How often the clean-up runs.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}

public static class AuditKinds
{
    public const string SignIn = "sign-in";
    public const string Upload = "upload";
    public const string Deletion = "deletion";
    public const string AccessChange = "access-change";
    public const string KeyCreated = "key-created";
    public const string KeyRevoked = "key-revoked";
    public const string UserChange = "user-change";
    public const string Question = "question";
    /// <summary>Every session of an account ended: sign-out-everywhere, a password change, disabling, a role change.</summary>
    public const string SessionRevoked = "session-revoked";
    /// <summary>An account locked after repeated wrong passwords, or unlocked by an admin.</summary>
    public const string Lockout = "lockout";

    public static IReadOnlyList<string> All { get; } = [SignIn, Upload, Deletion, AccessChange, KeyCreated, KeyRevoked, UserChange, Question, SessionRevoked, Lockout];
}

/// <summary>What a service reports; <see cref="Subject"/> null means "the current caller" (see <see cref="IAuditActor"/>).</summary>
public sealed record AuditEntry(
    string Kind, string? Subject, bool Success = true, string? Target = null, IReadOnlyCollection<Guid>? CollectionIds = null,
    Guid? ConversationId = null, string? Detail = null, string? QuestionText = null)
{
    public static AuditEntry SignIn(string userName, bool success, string method) =>
        new(AuditKinds.SignIn, userName, success, Detail: method);

    public static AuditEntry Upload(AccessContext who, Guid collectionId, Guid documentId, string fileName, bool duplicate = false) =>
        new(AuditKinds.Upload, who.Subject, Target: documentId.ToString(), CollectionIds: [collectionId], Detail: duplicate ? $"{fileName} (duplicate)" : fileName);

    public static AuditEntry Deletion(AccessContext? who, string what, Guid id, Guid? collectionId = null) =>
        new(AuditKinds.Deletion, who?.Subject, Target: id.ToString(), CollectionIds: collectionId is { } c ? [c] : null, Detail: what);

    public static AuditEntry AccessChange(AccessContext? who, Guid collectionId, bool everyone, IEnumerable<string>? groups, IEnumerable<string>? users) =>
        new(AuditKinds.AccessChange, who?.Subject, Target: collectionId.ToString(), CollectionIds: [collectionId],
            Detail: $"everyone={everyone.ToString().ToLowerInvariant()}; groups=[{string.Join(", ", groups ?? [])}]; users=[{string.Join(", ", users ?? [])}]");

    public static AuditEntry AccessChange(AccessContext? who, Guid collectionId, PrivateRag.Core.Collections.CollectionAccessRule? rule) =>
        AccessChange(who, collectionId, rule?.Everyone ?? false, rule?.Groups, rule?.Users);

    /// <summary>A question; its text is kept only when <c>Audit:IncludeQuestionText</c> is on.</summary>
    public static AuditEntry Question(AccessContext who, Guid conversationId, IReadOnlyCollection<Guid> collections, string question) =>
        new(AuditKinds.Question, who.Subject, ConversationId: conversationId, CollectionIds: collections, QuestionText: question);
}

/// <summary>Records audited actions. One small seam: services call it, the store keeps it.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEntry entry, CancellationToken ct = default);
}

/// <summary>Who is acting right now when a service does not know (the web app answers from the current request).</summary>
public interface IAuditActor
{
    string? CurrentSubject { get; }
}

public sealed record AuditQuery(string? Kind = null, string? Subject = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1, int PageSize = 50);

public sealed record AuditRecord(
    Guid Id, DateTimeOffset At, string Kind, string? Subject, bool Success, string? Target, IReadOnlyList<Guid> CollectionIds, Guid? ConversationId, string? Detail);

public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, int Total, int Page, int PageSize);

/// <summary>Keeps audit entries in the metadata store. A failure to write is logged and does not fail the action.</summary>
public sealed class StoreAuditLog(
    IDbContextFactory<PrivateRagDbContext> dbFactory, IOptionsMonitor<AuditOptions> options, TimeProvider clock,
    ILogger<StoreAuditLog> logger, IAuditActor? actor = null) : IAuditLog
{
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        var e = new AuditEvent
        {
            At = clock.GetUtcNow(),
            Kind = entry.Kind,
            Subject = Clip(entry.Subject ?? actor?.CurrentSubject, 256),
            Success = entry.Success,
            Target = Clip(entry.Target, 256),
            CollectionIds = entry.CollectionIds is { Count: > 0 } ids ? Clip(string.Join(',', ids), 4000) : null,
            ConversationId = entry.ConversationId,
            Detail = Clip(options.CurrentValue.IncludeQuestionText && entry.QuestionText is { } q ? q : entry.Detail, 4000),
        };
        try
        {
            // The action has happened: record it even when the caller has gone away.
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            db.AuditEvents.Add(e);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(ex, "Could not write the audit entry {Kind} for {Subject}", e.Kind, e.Subject);
        }
    }

    /// <summary>Entries for an administrator; the role is checked here too, not only by the page or endpoint.</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, AccessContext reader, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.IsAdmin) throw new ForbiddenException("The audit log is for administrators.");
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Kind)) q = q.Where(e => e.Kind == query.Kind);
        if (!string.IsNullOrWhiteSpace(query.Subject)) q = q.Where(e => e.Subject == query.Subject);
        if (query.From is { } from) q = q.Where(e => e.At >= from);
        if (query.To is { } to) q = q.Where(e => e.At < to);
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(e => e.At).ThenBy(e => e.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new AuditPage(items.Select(ToRecord).ToList(), total, page, size);
    }

    /// <summary>Deletes entries older than the retention period; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(options.CurrentValue.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEvents.Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
    }

    private static AuditRecord ToRecord(AuditEvent e) => new(
        e.Id, e.At, e.Kind, e.Subject, e.Success, e.Target,
        string.IsNullOrEmpty(e.CollectionIds) ? [] : e.CollectionIds.Split(',').Select(Guid.Parse).ToList(),
        e.ConversationId, e.Detail);

    private static string? Clip(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
