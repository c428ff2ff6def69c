using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Text;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Answers a question in a conversation: condense a follow-up, scope to readable collections, retrieve, answer
/// (generated through <see cref="AnswerKernel"/> when a chat model is configured, extractive otherwise), sanitise,
/// verify and cite, and keep the turn in the owner's conversation.
/// </summary>
public sealed class ChatService(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    CollectionAccess access,
    IRetriever retriever,
    ModelCapabilities models,
    IEnumerable<IFunctionInvocationFilter> kernelFilters,
    IAuditLog audit,
    IOptions<AnswerOptions> options,
    ITokenCounter tokens,
    TimeProvider clock,
    ILogger<ChatService> logger)
{
    public const string NotFoundAnswer = "I could not find anything about this in the documents you can access.";

    public const string BelowThresholdAnswer =
        "The documents you can access do not seem to cover this question. The nearest passages are listed below; they may not answer it.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly AnswerKernel? _kernel = models.Chat is { } chat ? new AnswerKernel(chat, kernelFilters) : null;

    public async Task<ChatAnswer> AskAsync(ChatRequest request, AccessContext who, CancellationToken ct = default)
    {
        IReadOnlyList<Citation> citations = [];
        await foreach (var e in StreamAsync(request, who, ct))
        {
            switch (e)
            {
                case ChatEvent.Citations c: citations = c.Items; break;
                case ChatEvent.Done d: return new ChatAnswer(d.ConversationId, d.MessageId, d.Answer, citations, d.Mode, d.NotFound);
                case ChatEvent.Error err: throw new InvalidOperationException(err.Message);
            }
        }
        throw new InvalidOperationException("The answer stream ended without a result.");
    }

    /// <summary>
    /// Answers the question of one of the caller's answers again, replacing that question and answer in the
    /// conversation (the same collections apply as for a new question).
    /// </summary>
    public async IAsyncEnumerable<ChatEvent> RegenerateAsync(Guid messageId, IReadOnlyList<Guid>? collectionIds, AccessContext who,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        Guid conversationId;
        string question;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var owned = db.Conversations.Where(c => c.Owner == who.Subject).Select(c => c.Id);
            var answer = await db.ConversationTurns.FirstOrDefaultAsync(t => t.Id == messageId && t.Role == TurnRole.Assistant && owned.Contains(t.ConversationId), ct)
                ?? throw new NotFoundException($"Message {messageId} was not found.");
            var asked = await db.ConversationTurns
                .Where(t => t.ConversationId == answer.ConversationId && t.Role == TurnRole.User && t.CreatedAt <= answer.CreatedAt)
                .OrderByDescending(t => t.CreatedAt).FirstOrDefaultAsync(ct)
                ?? throw new NotFoundException($"Message {messageId} has no question to answer again.");
            conversationId = answer.ConversationId;
            question = asked.Text;
            db.ConversationTurns.RemoveRange(asked, answer);
            await db.SaveChangesAsync(ct);
        }
        await foreach (var e in StreamAsync(new ChatRequest(question, conversationId, collectionIds), who, ct)) yield return e;
    }

    /// <summary>Validates first (throwing <see cref="InvalidRequestException"/> or <see cref="NotFoundException"/>), then streams.</summary>
    public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, AccessContext who, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var question = request.Message?.Trim() ?? "";
        if (question.Length == 0) throw new InvalidRequestException("The message is empty.");
        if (question.Length > options.Value.MaxQuestionChars)
            throw new InvalidRequestException($"The message is longer than {options.Value.MaxQuestionChars} characters.");

        using var activity = PrivateRagTelemetry.Traces.StartActivity("answer");
        var started = Stopwatch.GetTimestamp();
        double? firstTokenMs = null;
        var (conversation, stored) = await LoadOrStartAsync(request.ConversationId, question, who, ct);
        IReadOnlyList<(bool FromUser, string Text)> history = request.ConversationId is null && request.History is { Count: > 0 } given
            ? given.TakeLast(options.Value.HistoryTurns * 2).Select(t => (t.FromUser, t.Text)).ToList()
            : stored;
        var kernel = _kernel;
        var mode = kernel is null ? ExtractiveAnswerer.Mode : kernel.ModelId;
        yield return new ChatEvent.Started(conversation.Id, mode);

        var scope = await access.FilterAsync(who, request.CollectionIds, ct);
        await audit.RecordAsync(AuditEntry.Question(who, conversation.Id, scope.CollectionIds, question), ct);
        var searchQuery = await StandaloneQuestionAsync(question, history, kernel, ct);
        var results = scope.CollectionIds.Count == 0 ? [] : await retriever.SearchAsync(new SearchRequest(searchQuery, scope, options.Value.MaxSources * 2), ct);
        var relevant = results.Where(IsRelevant).ToList();
        var sources = NumberedSource.Select(relevant, options.Value, tokens);
        activity?.SetTag("privaterag.answer.mode", mode);
        activity?.SetTag("privaterag.answer.sources", sources.Count);

        string answer;
        var notFound = sources.Count == 0;
        if (notFound)
        {
            // Nothing clears the relevance threshold: say so rather than answer from weak passages, and offer the nearest.
            var nearest = NumberedSource.Select(results.Take(options.Value.NearestPassages).ToList(), options.Value, tokens);
            answer = nearest.Count == 0 ? NotFoundAnswer : BelowThresholdAnswer;
            RecordFirstText(ref firstTokenMs, started);
            yield return new ChatEvent.Delta(answer);
            yield return new ChatEvent.Citations(nearest.Select(s => s.ToCitation(cited: false, verified: false, claim: question)).ToList());
            var notFoundId = await SaveTurnAsync(conversation.Id, question, answer, [], mode, Finish(started, firstTokenMs, mode, notFound: true), ct);
            yield return new ChatEvent.Done(conversation.Id, notFoundId, answer, mode, NotFound: true);
            yield break;
        }
        else if (kernel is null)
        {
            // Quoted document text is as untrusted as model output: a passage may carry an image to another host.
            answer = AnswerSanitizer.Sanitize(ExtractiveAnswerer.Answer(question, sources, options.Value.ExtractiveSentences));
            RecordFirstText(ref firstTokenMs, started);
            foreach (var piece in SplitForStreaming(answer)) yield return new ChatEvent.Delta(piece);
        }
        else
        {
            var raw = new StringBuilder();
            var sanitizer = new StreamingAnswerSanitizer();
            var updates = 0;
            var generationStarted = Stopwatch.GetTimestamp();
            await foreach (var piece in kernel.StreamAnswerAsync(question, sources, history, ct))
            {
                updates++;
                raw.Append(piece);
                var safe = sanitizer.Push(piece);
                if (safe.Length == 0) continue;
                RecordFirstText(ref firstTokenMs, started);
                yield return new ChatEvent.Delta(safe);
            }
            var rest = sanitizer.Complete();
            if (rest.Length > 0) yield return new ChatEvent.Delta(rest);
            var seconds = Stopwatch.GetElapsedTime(generationStarted).TotalSeconds;
            if (updates > 1 && seconds > 0) PrivateRagTelemetry.TokensPerSecond.Record(updates / seconds);
            // The answer that is returned, sent with "done" and stored: the whole text sanitised at once (after removing
            // markers, whose removal could otherwise join "![x][9](url)" into an image).
            answer = AnswerSanitizer.Sanitize(CitationMarkers.RemoveUnknown(raw.ToString(), sources.Count)).Trim();
        }

        var cited = CitationMarkers.Find(answer);
        // Extractive answers quote their sources, so they are verified by construction.
        var verified = kernel is null ? sources.Select(s => s.N).ToHashSet() : CitationVerifier.VerifiedSources(answer, sources);
        var citations = sources.Select(s => s.ToCitation(cited.Contains(s.N), verified.Contains(s.N), CitedSpan.ClaimFor(answer, s.N) ?? question)).ToList();
        // An answer that cites nothing still shows what it was based on, marked as not cited.
        var shown = cited.Count > 0 ? citations.Where(c => c.Cited).ToList() : citations;
        yield return new ChatEvent.Citations(shown);

        var messageId = await SaveTurnAsync(conversation.Id, question, answer, shown, mode, Finish(started, firstTokenMs, mode, notFound), ct);
        yield return new ChatEvent.Done(conversation.Id, messageId, answer, mode, notFound);
    }

    /// <summary>A passage clears the threshold on either score; one fused by the index itself (no component scores) counts.</summary>
    private bool IsRelevant(SearchResult result) =>
        (result.LexicalScore is null && result.DenseScore is null) ||
        (result.LexicalScore is { } lexical && lexical > 0 && lexical >= options.Value.MinLexicalScore) ||
        (result.DenseScore is { } dense && (options.Value.MinDenseScore is not { } min || dense >= min));

    /// <summary>
    /// The question retrieval should search for. A follow-up ("and for 2023?") means little alone: with a chat model it
    /// is rewritten using the conversation; without one, a short follow-up is searched together with the previous question.
    /// </summary>
    private async Task<string> StandaloneQuestionAsync(string question, IReadOnlyList<(bool FromUser, string Text)> history, AnswerKernel? kernel, CancellationToken ct)
    {
        if (history.Count == 0) return question;
        if (kernel is not null)
        {
            try
            {
                return await kernel.CondenseAsync(question, history, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Condensing the follow-up failed ({Error}); searching for it as asked", e.GetType().Name);
                return question;
            }
        }
        var previous = history.LastOrDefault(t => t.FromUser).Text;
        var words = question.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return words <= 8 && previous is not null ? $"{previous} {question}" : question;
    }

    private static void RecordFirstText(ref double? firstTokenMs, long started)
    {
        if (firstTokenMs is not null) return;
        firstTokenMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        PrivateRagTelemetry.TimeToFirstToken.Record(firstTokenMs.Value);
    }

    /// <summary>
    /// The answer is complete: its duration goes to the telemetry histogram and, with the time to first text, is kept
    /// with the answer so the analytics page can show the same figures per day.
    /// </summary>
    private static AnswerMetrics Finish(long started, double? firstTokenMs, string mode, bool notFound)
    {
        var latencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        PrivateRagTelemetry.AnswerDuration.Record(latencyMs, new KeyValuePair<string, object?>("mode", mode));
        return new AnswerMetrics(latencyMs, firstTokenMs, notFound);
    }

    private readonly record struct AnswerMetrics(double LatencyMs, double? FirstTokenMs, bool NotFound);

    private async Task<(Conversation Conversation, IReadOnlyList<(bool FromUser, string Text)> History)> LoadOrStartAsync(
        Guid? conversationId, string question, AccessContext who, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (conversationId is { } id)
        {
            // Someone else's conversation is "not found": its existence is not disclosed.
            var existing = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Owner == who.Subject, ct)
                ?? throw new NotFoundException($"Conversation {id} was not found.");
            var turns = await db.ConversationTurns.AsNoTracking().Where(t => t.ConversationId == id)
                .OrderByDescending(t => t.CreatedAt).Take(options.Value.HistoryTurns * 2).ToListAsync(ct);
            turns.Reverse();
            return (existing, turns.Select(t => (t.Role == TurnRole.User, t.Text)).ToList());
        }
        var conversation = new Conversation { Owner = who.Subject, Title = Title(question), CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow() };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(ct);
        return (conversation, []);
    }

    private async Task<Guid> SaveTurnAsync(
        Guid conversationId, string question, string answer, IReadOnlyList<Citation> citations, string mode, AnswerMetrics metrics, CancellationToken ct)
    {
        // The answer is kept even when the client went away mid-stream.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        var reply = new ConversationTurn
        {
            ConversationId = conversationId, Role = TurnRole.Assistant, Text = answer, Mode = mode,
            CitationsJson = JsonSerializer.Serialize(citations, Json), CreatedAt = now.AddTicks(1),
            LatencyMs = Milliseconds(metrics.LatencyMs), FirstTokenMs = metrics.FirstTokenMs is { } first ? Milliseconds(first) : null,
            NotFound = metrics.NotFound,
        };
        db.ConversationTurns.Add(new ConversationTurn { ConversationId = conversationId, Role = TurnRole.User, Text = question, CreatedAt = now });
        db.ConversationTurns.Add(reply);
        await db.Conversations.Where(c => c.Id == conversationId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), CancellationToken.None);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Answered in conversation {ConversationId} ({Mode}, {Citations} citations)", conversationId, mode, citations.Count);
        return reply.Id;
    }

    private static int Milliseconds(double ms) => (int)Math.Clamp(Math.Round(ms), 0, int.MaxValue);

    public static IReadOnlyList<Citation> ReadCitations(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<Citation>>(json, Json) ?? [];

    private static string Title(string question)
    {
        var line = question.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..77] + "...";
    }

    /// <summary>Streams an already complete answer in small pieces so every mode looks and behaves the same.</summary>
    private static IEnumerable<string> SplitForStreaming(string text)
    {
        const int size = 24;
        for (var i = 0; i < text.Length; i += size) yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
