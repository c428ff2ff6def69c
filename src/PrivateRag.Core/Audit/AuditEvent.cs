using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Audit;

/// <summary>One audited action: who did what, when, to what. Never holds a password or a passage.</summary>
public sealed class AuditEvent
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public DateTimeOffset At { get; set; }
    /// <summary>One of <see cref="PrivateRag.Core.Audit.AuditKinds"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The acting subject (user name, Entra object id, <c>apikey:prefix</c>); for a failed sign-in, the name tried.</summary>
    public string? Subject { get; set; }
    public bool Success { get; set; } = true;
    /// <summary>What was acted on: a document, collection, key or user id or name.</summary>
    public string? Target { get; set; }
    /// <summary>Collection ids involved, comma-separated.</summary>
    public string? CollectionIds { get; set; }
    public Guid? ConversationId { get; set; }
    /// <summary>A short description (file name, new access rule, sign-in method); the question only when configured.</summary>
    public string? Detail { get; set; }
}
