using System.Net.ServerSentEvents;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

public static class ChatApi
{
    public sealed record ChatDto(string? Message, Guid? ConversationId, IReadOnlyList<Guid>? CollectionIds);
    public sealed record ChatAnswerDto(Guid ConversationId, Guid MessageId, string Answer, IReadOnlyList<Citation> Citations, string Mode, bool NotFound);
    public sealed record DeltaDto(string Text);
    public sealed record CitationsDto(IReadOnlyList<Citation> Citations);
    public sealed record DoneDto(Guid ConversationId, Guid MessageId, string Answer, string Mode, bool NotFound);
    public sealed record StartedDto(Guid ConversationId, string Mode);
    public sealed record ErrorDto(string Message);

    public static RouteHandlerBuilder MapChatApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/chat", ChatAsync).RequireAuthorization().WithTags("Chat")
            .Produces<ChatAnswerDto>(StatusCodes.Status200OK, "application/json")
            .Produces<DeltaDto>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Server-sent events by default; one JSON object when the client asks for <c>application/json</c>.</summary>
    private static async Task<IResult> ChatAsync(ChatDto body, HttpContext http, ChatService chat, ILoggerFactory logs)
    {
        var who = await http.RequireAccessAsync();
        var request = new ChatRequest(body.Message ?? "", body.ConversationId, body.CollectionIds);
        if (WantsJson(http.Request))
        {
            var a = await chat.AskAsync(request, who, http.RequestAborted);
            return TypedResults.Ok(new ChatAnswerDto(a.ConversationId, a.MessageId, a.Answer, a.Citations, a.Mode, a.NotFound));
        }
        // Take the first event before answering 200, so bad input still gets a 400/404 rather than a broken stream.
        var events = chat.StreamAsync(request, who, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        if (!await events.MoveNextAsync())
        {
            await events.DisposeAsync();
            return TypedResults.Problem("The answer stream ended before it began.", statusCode: 500);
        }
        return TypedResults.ServerSentEvents(ToSse(events, logs.CreateLogger(typeof(ChatApi))));
    }

    private static async IAsyncEnumerable<SseItem<object>> ToSse(IAsyncEnumerator<ChatEvent> events, ILogger logger)
    {
        await using (events)
        {
            var more = true;
            while (more)
            {
                yield return ToItem(events.Current);
                SseItem<object>? failure = null;
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
                    logger.LogError(e, "Answer stream failed");
                    failure = new SseItem<object>(new ErrorDto(e is PrivateRag.Core.InvalidRequestException ? e.Message : "The answer could not be completed; the error is in the server log."), "error");
                    more = false;
                }
                if (failure is { } f) yield return f;
            }
        }
    }

    private static SseItem<object> ToItem(ChatEvent e) => e switch
    {
        ChatEvent.Started s => new(new StartedDto(s.ConversationId, s.Mode), "started"),
        ChatEvent.Delta d => new(new DeltaDto(d.Text), "delta"),
        ChatEvent.Citations c => new(new CitationsDto(c.Items), "citations"),
        ChatEvent.Done d => new(new DoneDto(d.ConversationId, d.MessageId, d.Answer, d.Mode, d.NotFound), "done"),
        ChatEvent.Error err => new(new ErrorDto(err.Message), "error"),
        _ => throw new InvalidOperationException($"Unknown chat event {e.GetType().Name}."),
    };

    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) &&
               !accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
    }
}
