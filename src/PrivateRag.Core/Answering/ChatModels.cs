namespace PrivateRag.Core.Answering;

/// <param name="History">
/// Earlier turns the caller keeps itself (an OpenAI-style client sends the whole conversation with each request); used
/// as the conversation when <paramref name="ConversationId"/> is null. The answer is still kept in a new conversation.
/// </param>
public sealed record ChatRequest(
    string Message, Guid? ConversationId = null, IReadOnlyList<Guid>? CollectionIds = null, IReadOnlyList<ChatTurn>? History = null);

/// <summary>One earlier turn of a conversation the client supplies: the user's question or the assistant's answer.</summary>
public sealed record ChatTurn(bool FromUser, string Text);

/// <summary>
/// One cited source. <see cref="CharStart"/>/<see cref="CharEnd"/> locate the passage in the document's extracted text
/// so a viewer can highlight it; <see cref="Cited"/> is false for sources given to the model that the answer never cites;
/// <see cref="Verified"/> is false when the sentences citing it are not supported by the passage (shown as unverified,
/// never as proof).
/// </summary>
public sealed record Citation(
    int N, Guid DocumentId, string DocumentName, Guid CollectionId, int Page, int PageEnd, string? Heading,
    string Snippet, string ChunkId, int CharStart, int CharEnd, double Score, bool Cited = true, bool Verified = true,
    int? SpanStart = null, int? SpanEnd = null);

/// <summary>What an answer stream emits, in order: <see cref="Started"/>, deltas, <see cref="Citations"/>, <see cref="Done"/>.</summary>
public abstract record ChatEvent
{
    public sealed record Started(Guid ConversationId, string Mode) : ChatEvent;
    public sealed record Delta(string Text) : ChatEvent;
    public sealed record Citations(IReadOnlyList<Citation> Items) : ChatEvent;
    public sealed record Done(Guid ConversationId, Guid MessageId, string Answer, string Mode, bool NotFound) : ChatEvent;
    public sealed record Error(string Message) : ChatEvent;
}

/// <summary>The whole answer, for callers that do not stream.</summary>
public sealed record ChatAnswer(Guid ConversationId, Guid MessageId, string Answer, IReadOnlyList<Citation> Citations, string Mode, bool NotFound);
