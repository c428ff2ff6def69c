using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Auth;
using static PrivateRag.Web.Agents.OpenAiModels;

namespace PrivateRag.Web.Agents;

/// <summary>
/// An OpenAI-compatible face of the grounded chat, for the chat front ends a company already runs (Open WebUI,
/// LibreChat…): each readable collection is a "model", and a completion is an answer from <see cref="ChatService"/>,
/// the very pipeline behind <c>POST /api/chat</c> (scoped to readable collections, sanitised, cited). The answer's
/// <c>[n]</c> markers are followed by a Markdown list of numbered references linking to the source viewer, and the
/// same passages come as the <c>citations</c> extension field. See docs/openai-compatible.md.
/// </summary>
public static class OpenAiCompatibleApi
{
    public static RouteGroupBuilder MapOpenAiCompatibleApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").RequireAuthorization(Policies.Bearer).WithTags("OpenAI-compatible");
        group.MapGet("/models", ListModelsAsync);
        group.MapPost("/chat/completions", CompleteAsync)
            .Produces<ChatCompletion>(StatusCodes.Status200OK, "application/json")
            .Produces<ChatCompletionChunk>(StatusCodes.Status200OK, "text/event-stream")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary><c>GET /v1/models</c>: <c>all</c>, then each collection the caller may read, by name.</summary>
    private static async Task<Ok<ModelList>> ListModelsAsync(HttpContext http, CollectionService collections)
    {
        var who = await http.RequireAccessAsync();
        var readable = await collections.ListReadableAsync(who, http.RequestAborted);
        var models = new List<Model> { new(AgentScope.All, "model", readable.Count == 0 ? 0 : readable.Min(c => c.CreatedAt).ToUnixTimeSeconds(), "privaterag") };
        models.AddRange(readable.Select(c => new Model(c.Name, "model", c.CreatedAt.ToUnixTimeSeconds(), "privaterag")));
        return TypedResults.Ok(new ModelList("list", models));
    }

    private static async Task<IResult> CompleteAsync(
        ChatCompletionRequest body, HttpContext http, ChatService chat, CollectionService collections,
        IOptions<JsonOptions> json, ILoggerFactory logs)
    {
        var who = await http.RequireAccessAsync();
        if (string.IsNullOrWhiteSpace(body.Model))
            return Error(StatusCodes.Status400BadRequest, "'model' is required: a collection name from GET /v1/models, or 'all'.", "invalid_request_error", "model");
        var scope = await AgentScope.ResolveAsync(collections, who, body.Model, http.RequestAborted);
        // A collection the caller may not read is the same as one that does not exist: OpenAI's "model not found".
        if (scope is null)
            return Error(StatusCodes.Status404NotFound, $"The model '{body.Model}' does not exist or you do not have access to it.", "invalid_request_error", "model", "model_not_found");
        if (Conversation(body.Messages) is not { } conversation)
            return Error(StatusCodes.Status400BadRequest, "'messages' must end with a user message that has text.", "invalid_request_error", "messages");
        if (scope.Count == 0)
            return Error(StatusCodes.Status404NotFound, "You cannot read any collection yet.", "invalid_request_error", "model", "model_not_found");

        // 'all' leaves the scope to ChatService (every readable collection at the time of the question).
        var ids = body.Model.Trim().Equals(AgentScope.All, StringComparison.OrdinalIgnoreCase) ? null : scope.Select(c => c.Id).ToList();
        var request = new ChatRequest(conversation.Question, null, ids, conversation.History);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var model = body.Model.Trim();

        if (body.Stream != true)
        {
            ChatAnswer answer;
            try
            {
                answer = await chat.AskAsync(request, who, http.RequestAborted);
            }
            catch (InvalidRequestException e)
            {
                return Error(StatusCodes.Status400BadRequest, e.Message, "invalid_request_error", "messages");
            }
            var content = answer.Answer + AgentLinks.MarkdownReferences(http.Request, answer.Citations);
            return TypedResults.Ok(new ChatCompletion(id, "chat.completion", created, model,
                [new Choice(0, new AnswerMessage("assistant", content), "stop")], Citations(http.Request, answer.Citations)));
        }

        // Take the first event before answering 200, so bad input still gets a 400 rather than a broken stream.
        var events = chat.StreamAsync(request, who, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        try
        {
            if (!await events.MoveNextAsync())
            {
                await events.DisposeAsync();
                return Error(StatusCodes.Status500InternalServerError, "The answer stream ended before it began.", "server_error", null);
            }
        }
        catch (InvalidRequestException e)
        {
            await events.DisposeAsync();
            return Error(StatusCodes.Status400BadRequest, e.Message, "invalid_request_error", "messages");
        }
        var chunks = Chunks(events, http.Request, id, created, model, json.Value.SerializerOptions, logs.CreateLogger(typeof(OpenAiCompatibleApi)));
        return TypedResults.ServerSentEvents(chunks);
    }

    /// <summary>OpenAI's stream: a role chunk, content chunks, the references and citations with the finish reason, <c>[DONE]</c>.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Chunks(
        IAsyncEnumerator<ChatEvent> events, HttpRequest request, string id, long created, string model, JsonSerializerOptions json, ILogger logger)
    {
        string Chunk(Delta delta, string? finish = null, IReadOnlyList<CitationInfo>? citations = null) =>
            JsonSerializer.Serialize(new ChatCompletionChunk(id, "chat.completion.chunk", created, model, [new ChunkChoice(0, delta, finish)], citations), json);

        await using (events)
        {
            yield return new SseItem<string>(Chunk(new Delta("assistant", "")));
            IReadOnlyList<Citation> citations = [];
            var more = true;
            while (more)
            {
                switch (events.Current)
                {
                    case ChatEvent.Delta d when d.Text.Length > 0:
                        yield return new SseItem<string>(Chunk(new Delta(null, d.Text)));
                        break;
                    case ChatEvent.Citations c:
                        citations = c.Items;
                        break;
                    case ChatEvent.Done:
                        var references = AgentLinks.MarkdownReferences(request, citations);
                        if (references.Length > 0) yield return new SseItem<string>(Chunk(new Delta(null, references)));
                        yield return new SseItem<string>(Chunk(new Delta(null, null), "stop", Citations(request, citations)));
                        break;
                    case ChatEvent.Error err:
                        yield return new SseItem<string>(JsonSerializer.Serialize(new ErrorBody(new ErrorDetail(err.Message, "server_error", null, null)), json));
                        break;
                }
                string? failure = null;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (OperationCanceledException)
                {
                    yield break; // the client went away
                }
                catch (Exception e)
                {
                    logger.LogError(e, "OpenAI-compatible answer stream failed");
                    failure = JsonSerializer.Serialize(new ErrorBody(new ErrorDetail(
                        e is InvalidRequestException ? e.Message : "The answer could not be completed; the error is in the server log.", "server_error", null, null)), json);
                    more = false;
                }
                if (failure is not null) yield return new SseItem<string>(failure);
            }
            yield return new SseItem<string>("[DONE]");
        }
    }

    /// <summary>
    /// The question (the last user message) and the turns before it. System messages are left out: the grounded
    /// prompt's own rules apply, and a client's system prompt cannot loosen them. Earlier answers lose the references
    /// this endpoint appended, which are links, not conversation.
    /// </summary>
    internal static (string Question, IReadOnlyList<ChatTurn> History)? Conversation(IReadOnlyList<Message>? messages)
    {
        if (messages is null || messages.Count == 0) return null;
        var turns = new List<ChatTurn>();
        foreach (var m in messages)
        {
            var role = m.Role?.Trim().ToLowerInvariant();
            if (role is not ("user" or "assistant")) continue;
            var text = TextOf(m.Content);
            if (role == "assistant") text = WithoutReferences(text);
            if (text.Length > 0) turns.Add(new ChatTurn(role == "user", text));
        }
        if (turns.Count == 0 || !turns[^1].FromUser) return null;
        return (turns[^1].Text, turns.Take(turns.Count - 1).ToList());
    }

    private static string TextOf(JsonElement? content)
    {
        if (content is not { } c) return "";
        if (c.ValueKind == JsonValueKind.String) return c.GetString()?.Trim() ?? "";
        if (c.ValueKind != JsonValueKind.Array) return "";
        var text = new StringBuilder();
        foreach (var part in c.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.GetString() == "text" &&
                part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                text.Append(text.Length > 0 ? "\n" : "").Append(t.GetString());
        }
        return text.ToString().Trim();
    }

    private static string WithoutReferences(string answer)
    {
        var at = answer.LastIndexOf("\n\nSources:\n", StringComparison.Ordinal);
        return (at >= 0 ? answer[..at] : answer).Trim();
    }

    private static List<CitationInfo> Citations(HttpRequest request, IReadOnlyList<Citation> citations) =>
        citations.Select(c => new CitationInfo(c.N, c.DocumentId, c.DocumentName, c.CollectionId, c.Page, c.PageEnd, c.Snippet, c.ChunkId,
            AgentLinks.Source(request, c), c.Cited, c.Verified)).ToList();

    private static JsonHttpResult<ErrorBody> Error(int status, string message, string type, string? param, string? code = null) =>
        TypedResults.Json(new ErrorBody(new ErrorDetail(message, type, param, code)), statusCode: status);
}
