using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Answering;

/// <summary>A chat thread; readable only by its owner.</summary>
public sealed class Conversation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The owner's stable subject id (see <see cref="Access.AccessContext.Subject"/>).</summary>
    public required string Owner { get; set; }
    public required string Title { get; set; }
    public List<ConversationTurn> Turns { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum TurnRole { User, Assistant }

public sealed class ConversationTurn
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ConversationId { get; set; }
    public TurnRole Role { get; set; }
    public required string Text { get; set; }
    /// <summary>Citations of an assistant turn, serialized as JSON.</summary>
    public string? CitationsJson { get; set; }
    /// <summary>How the answer was made: a model name or "extractive".</summary>
    public string? Mode { get; set; }
    /// <summary>+1, -1 or null.</summary>
    public int? Feedback { get; set; }
    public string? FeedbackComment { get; set; }
    /// <summary>Of an assistant turn: milliseconds from the question arriving to the complete answer; null before it was recorded.</summary>
    public int? LatencyMs { get; set; }
    /// <summary>Of an assistant turn: milliseconds from the question arriving to the first answer text.</summary>
    public int? FirstTokenMs { get; set; }
    /// <summary>Of an assistant turn: nothing readable cleared the relevance threshold, so the answer says it found nothing.</summary>
    public bool NotFound { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
