using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Inference.Inventory;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Components.Chat;

/// <summary>
/// A page that shows one conversation and streams answers into it: the chat page and the widget frame. The loop over
/// <see cref="ChatService.StreamAsync"/> lives here once, with what belongs to it: the per-user question limit, the
/// render throttle, the "n requests ahead" watch while the model's scheduler queues the question, Stop, and the words
/// for every way an answer can end. A page says only what a new conversation, a lost one and a finished answer mean
/// to it (an address, a saved id, a refreshed sidebar).
/// </summary>
public abstract class ChatConversationBase : UiComponentBase, IAsyncDisposable
{
    /// <summary>Streamed words are shown at most this often: a render per token would flood a slow connection.</summary>
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(60);

    private static readonly TimeSpan QueueWatchInterval = TimeSpan.FromMilliseconds(400);

    private readonly CancellationTokenSource _closing = new();
    private CancellationTokenSource? _answerCts;
    private ILogger? _logger;

    [Inject] private ChatService ChatService { get; set; } = default!;

    [Inject] private ChatRateLimit RateLimit { get; set; } = default!;

    [Inject] private ModelInventory ModelInventory { get; set; } = default!;

    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ILoggerFactory LoggerFactory { get; set; } = default!;

    /// <summary>The conversation's questions and answers, oldest first; the last may be streaming.</summary>
    protected List<ChatExchange> Exchanges { get; set; } = [];

    /// <summary>The conversation answers go into; null until the first answer starts a new one.</summary>
    protected Guid? CurrentConversationId { get; set; }

    /// <summary>True while an answer streams (Stop is offered, Send is not).</summary>
    protected bool IsAnswering { get; private set; }

    /// <summary>What a screen reader hears when an answer starts and ends (an aria-live region).</summary>
    protected string Status { get; set; } = "";

    /// <summary>Set when the thread grew; the page scrolls to its end after the next render and clears it.</summary>
    protected bool ScrollToEnd { get; set; }

    /// <summary>Cancelled when the page goes away: pass it to every service call the page makes.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>Shown in place of an answer when the person's question budget is spent.</summary>
    protected virtual string TooManyQuestionsText => L["TooManyQuestions"];

    private ILogger Log => _logger ??= LoggerFactory.CreateLogger(GetType());

    /// <summary>
    /// The caller as of now: current role, groups and session, read for every action (as the API does per request),
    /// never kept from when the page opened. Null when the session has ended; the circuit is then signed out and
    /// <see cref="OnSessionEndedAsync"/> runs.
    /// </summary>
    protected async Task<AccessContext?> CallerAsync()
    {
        var who = await CurrentUser.GetAsync(Closing);
        if (who is null) await OnSessionEndedAsync();
        return who;
    }

    /// <summary>The session ended (signed out elsewhere, disabled, demoted): the page says so instead of answering.</summary>
    protected virtual Task OnSessionEndedAsync() => Task.CompletedTask;

    /// <summary>
    /// Asks <paramref name="question"/> in <see cref="CurrentConversationId"/> (a new conversation when null) and streams
    /// the answer into a new exchange at the end of <see cref="Exchanges"/>.
    /// </summary>
    /// <param name="answerAgain">Where the answer comes from instead of a new question (the chat page's Regenerate).</param>
    protected async Task AskAsync(string question, IReadOnlyList<Guid>? scope,
        Func<AccessContext, CancellationToken, IAsyncEnumerable<ChatEvent>>? answerAgain = null)
    {
        // Who asks is decided now, not when the page opened: a removed group or role is not used for this answer.
        if (await CallerAsync() is not { } who) return;
        var exchange = new ChatExchange(question) { IsStreaming = true };
        Exchanges.Add(exchange);
        ScrollToEnd = true;
        // Questions asked in the UI count against the same per-user chat limit as the API.
        if (!RateLimit.TryAcquire((await Authentication.GetAuthenticationStateAsync()).User))
        {
            exchange.IsStreaming = false;
            exchange.Error = TooManyQuestionsText;
            Status = exchange.Error;
            return;
        }
        IsAnswering = true;
        Status = L["Answering"];
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        _answerCts = cts;
        StateHasChanged();
        await OnAnswerStartingAsync();

        var lastRender = DateTime.UtcNow;
        // With a local model the scheduler may queue the request; say so until the first words arrive.
        var queueWatch = WatchQueue(exchange);
        try
        {
            var events = answerAgain?.Invoke(who, cts.Token)
                ?? ChatService.StreamAsync(new ChatRequest(question, CurrentConversationId, scope), who, cts.Token);
            await foreach (var e in events)
            {
                switch (e)
                {
                    case ChatEvent.Started started:
                        exchange.Mode = started.Mode;
                        var previous = CurrentConversationId;
                        CurrentConversationId = started.ConversationId;
                        await OnConversationStartedAsync(previous);
                        break;
                    case ChatEvent.Delta delta:
                        exchange.QueueAhead = null;
                        exchange.Append(delta.Text);
                        if (DateTime.UtcNow - lastRender >= RenderInterval)
                        {
                            lastRender = DateTime.UtcNow;
                            ScrollToEnd = true;
                            StateHasChanged();
                            await Task.Yield();
                        }
                        break;
                    case ChatEvent.Citations citations:
                        exchange.Citations = citations.Items;
                        exchange.Invalidate();
                        break;
                    case ChatEvent.Done done:
                        exchange.ReplaceAnswer(done.Answer);
                        exchange.MessageId = done.MessageId;
                        exchange.Mode = done.Mode;
                        exchange.NotFound = done.NotFound;
                        break;
                    case ChatEvent.Error error:
                        exchange.Error = error.Message;
                        break;
                }
            }
            Status = exchange.Error ?? (exchange.NotFound ? L["AnswerNotFound"] : L["AnswerReady", exchange.Citations.Count(c => c.Cited)]);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            exchange.Stopped = !_closing.IsCancellationRequested;
            Status = L["Stopped"];
        }
        catch (NotFoundException)
        {
            // The conversation was deleted meanwhile (in another tab, or in the app): the next question starts a new one.
            exchange.Error = L["ConversationGone"];
            CurrentConversationId = null;
            await OnConversationGoneAsync();
        }
        catch (Exception e)
        {
            if (!UserMessages.IsExpected(e)) Log.LogError(e, "Answering failed");
            exchange.Error = UserMessages.For(e);
        }
        finally
        {
            queueWatch?.Dispose();
            exchange.IsStreaming = false;
            exchange.QueueAhead = null;
            IsAnswering = false;
            _answerCts = null;
            cts.Dispose();
            ScrollToEnd = true;
        }

        if (_closing.IsCancellationRequested) return;
        await OnAnswerFinishedAsync();
    }

    /// <summary>
    /// While the answer has no words yet and the model's scheduler has waiting requests, shows roughly how many are
    /// ahead (the waiting ones other than this). Ends with the first words, the end of the answer, or Stop; without a
    /// local chat model there is no queue to watch.
    /// </summary>
    private RefreshLoop? WatchQueue(ChatExchange exchange)
    {
        if (ModelInventory.Scheduler is not { } scheduler) return null;
        var watch = new RefreshLoop(InvokeAsync, () =>
        {
            if (!exchange.IsStreaming || exchange.Answer.Length > 0) return Task.FromResult(false);
            int? ahead = scheduler.Queued > 0 ? scheduler.Queued - 1 : null;
            if (ahead != exchange.QueueAhead)
            {
                exchange.QueueAhead = ahead;
                StateHasChanged();
            }
            return Task.FromResult(true);
        });
        watch.Start(QueueWatchInterval);
        return watch;
    }

    /// <summary>Stops the answer that is streaming, if any; what came so far stays, marked as stopped.</summary>
    protected void Stop() => _answerCts?.Cancel();

    /// <inheritdoc cref="Stop"/>
    protected Task StopAsync() => _answerCts?.CancelAsync() ?? Task.CompletedTask;

    /// <summary>The question is on its way (shown, within the limit); the answer has not started.</summary>
    protected virtual Task OnAnswerStartingAsync() => Task.CompletedTask;

    /// <summary>The first event of an answer named <see cref="CurrentConversationId"/>; <paramref name="previous"/> was null for a new one.</summary>
    protected virtual Task OnConversationStartedAsync(Guid? previous) => Task.CompletedTask;

    /// <summary>The conversation no longer exists; <see cref="CurrentConversationId"/> is already null.</summary>
    protected virtual Task OnConversationGoneAsync() => Task.CompletedTask;

    /// <summary>The answer ended (complete, stopped or failed) and the page is still open.</summary>
    protected virtual Task OnAnswerFinishedAsync() => Task.CompletedTask;

    /// <summary>What the page itself must release; <see cref="Closing"/> is already cancelled.</summary>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await DisposeAsyncCore();
        _closing.Dispose();
        GC.SuppressFinalize(this);
    }
}
