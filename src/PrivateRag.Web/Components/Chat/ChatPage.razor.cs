using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Chat;

public partial class ChatPage
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private ChatService ChatService { get; set; } = default!;

    [Inject] private ConversationService Conversations { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<ChatPage> Logger { get; set; } = default!;

    [Parameter] public Guid? ConversationId { get; set; }

    private bool _isAdmin;
    private bool _loaded;
    private string? _loadError;
    private IReadOnlyList<CollectionSummary> _collections = [];
    private IReadOnlyCollection<Guid> _scope = [];
    private IReadOnlyList<ConversationSummary> _conversations = [];
    private string? _title;
    private bool _missingConversation;
    private string _draft = "";
    private Citation? _activeCitation;
    private ChatThread? _thread;
    private DotNetObjectReference<ChatPage>? _self;
    private bool _sidebarOpen;
    private string _search = "";
    private (int Turn, int N)? _returnFocus;
    private bool _routeSeen;
    private Guid? _routeShown;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            // Only what the page shows at first comes from here; every later action asks who the caller is again.
            var who = await CurrentUser.RequireAsync(Closing);
            _isAdmin = who.IsAdmin;
            _collections = await Collections.ListReadableAsync(who, Closing);
            _scope = _collections.Select(c => c.Id).ToHashSet();
            _conversations = await Conversations.ListAsync(who, ct: Closing);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading the chat page failed");
            _loadError = UserMessages.For(e);
        }
        _loaded = true;
    }

    /// <summary>The conversation in the URL (<c>/c/{id}</c>) is the one shown: a reload or a new circuit restores it.</summary>
    protected override async Task OnParametersSetAsync()
    {
        // Only a change of address matters (the layout re-rendering sets the same parameters again).
        if (_routeSeen && ConversationId == _routeShown) return;
        _routeSeen = true;
        _routeShown = ConversationId;
        if (ConversationId is not null && ConversationId == CurrentConversationId) return; // our own NavigateTo after the first answer
        if (ConversationId is null)
        {
            ResetConversation();
            return;
        }
        if (IsAnswering) await StopAsync();
        await LoadConversationAsync(ConversationId.Value);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            var messages = _thread?.Element ?? default;
            if (firstRender)
            {
                _self = DotNetObjectReference.Create(this);
                await JS.InvokeVoidAsync("privateRag.chat.listen", messages, _self);
                // A question typed before a lost connection or a reload is still there.
                var saved = await JS.InvokeAsync<string?>("privateRag.chat.restoreDraft");
                if (!string.IsNullOrEmpty(saved) && _draft.Length == 0)
                {
                    _draft = saved;
                    StateHasChanged();
                }
            }
            if (ScrollToEnd)
            {
                ScrollToEnd = false;
                await JS.InvokeVoidAsync("privateRag.chat.scrollToEnd", messages);
            }
            if (_returnFocus is { } back)
            {
                _returnFocus = null;
                await JS.InvokeVoidAsync("privateRag.chat.focusCitation", back.Turn, back.N);
            }
        }
        catch (JSDisconnectedException)
        {
        }
        catch (JSException e)
        {
            Logger.LogDebug(e, "Chat page script unavailable");
        }
        catch (InvalidOperationException e)
        {
            Logger.LogDebug(e, "Chat page script unavailable");
        }
    }

    private IReadOnlyList<Guid>? ScopeForRequest() => ScopePicker.ForRequest(_scope, _collections);

    private void OnPageKeyDown(KeyboardEventArgs e)
    {
        if (e.Key != "Escape") return;
        if (_activeCitation is not null) CloseSource();
        else if (_sidebarOpen) _sidebarOpen = false;
    }

    private Task SendAsync()
    {
        var question = _draft.Trim();
        if (question.Length == 0 || IsAnswering) return Task.CompletedTask;
        _draft = "";
        _missingConversation = false;
        return AskAsync(question, ScopeForRequest());
    }

    /// <summary>Answers the question again in place: the old answer leaves the conversation (and the page).</summary>
    private Task RegenerateAsync(ChatExchange exchange)
    {
        if (IsAnswering || exchange.Question.Length == 0) return Task.CompletedTask;
        _missingConversation = false;
        var scope = ScopeForRequest();
        if (exchange.MessageId is not { } messageId) return AskAsync(exchange.Question, scope);
        Exchanges.Remove(exchange);
        return AskAsync(exchange.Question, scope, (who, ct) => ChatService.RegenerateAsync(messageId, scope, who, ct));
    }

    protected override async Task OnAnswerStartingAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("privateRag.chat.clearDraft");
        }
        catch (JSException)
        {
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>The address names the conversation from its first answer on: reload and reconnect restore it.</summary>
    protected override Task OnConversationStartedAsync(Guid? previous)
    {
        if (previous is null) Navigation.NavigateTo($"c/{CurrentConversationId}", replace: true);
        return Task.CompletedTask;
    }

    protected override async Task OnAnswerFinishedAsync()
    {
        await RefreshAccessAsync();
        if (CurrentConversationId is not null) await RefreshConversationsAsync();
        StateHasChanged();
    }

    /// <summary>The page's view of the caller's access (admin links, the collection picker) as of now.</summary>
    private async Task RefreshAccessAsync()
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            _isAdmin = who.IsAdmin;
            _collections = await Collections.ListReadableAsync(who, Closing);
            var readable = _collections.Select(c => c.Id).ToHashSet();
            if (!_scope.All(readable.Contains)) _scope = _scope.Where(readable.Contains).ToHashSet();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Refreshing the readable collections failed");
        }
    }

    protected override Task OnSessionEndedAsync()
    {
        _loadError = L["SessionEnded"];
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void NewConversation()
    {
        Stop();
        ResetConversation();
        _sidebarOpen = false;
        if (ConversationId is not null) Navigation.NavigateTo("");
    }

    private void ResetConversation()
    {
        CurrentConversationId = null;
        _title = null;
        _missingConversation = false;
        Exchanges = [];
        _activeCitation = null;
    }

    private async Task LoadConversationAsync(Guid id)
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            var detail = await Conversations.GetAsync(id, who, Closing);
            _activeCitation = null;
            if (detail is null)
            {
                ResetConversation();
                _missingConversation = true;
                return;
            }
            _missingConversation = false;
            CurrentConversationId = detail.Id;
            _title = detail.Title;
            Exchanges = ChatExchange.FromHistory(detail.Messages);
            ScrollToEnd = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading conversation {ConversationId} failed", id);
            _loadError = UserMessages.For(e);
        }
    }

    private async Task DeleteConversationAsync(Guid id)
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            await Conversations.DeleteAsync(id, who, Closing);
            if (CurrentConversationId == id) NewConversation();
            await RefreshConversationsAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Deleting conversation {ConversationId} failed", id);
            _loadError = UserMessages.For(e);
        }
    }

    private async Task RenameAsync(ConversationRename rename)
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            await Conversations.RenameAsync(rename.Id, rename.Title, who, Closing);
            if (CurrentConversationId == rename.Id) _title = rename.Title;
            await RefreshConversationsAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Renaming conversation {ConversationId} failed", rename.Id);
            _loadError = UserMessages.For(e);
        }
    }

    private async Task SearchAsync(string search)
    {
        _search = search;
        await RefreshConversationsAsync();
    }

    private async Task RefreshConversationsAsync()
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            var search = string.IsNullOrWhiteSpace(_search) ? null : _search.Trim();
            _conversations = await Conversations.ListAsync(who, search, Closing);
            if (CurrentConversationId is { } id && _conversations.FirstOrDefault(c => c.Id == id) is { } current) _title = current.Title;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Listing conversations failed");
        }
    }

    private async Task SendFeedbackAsync(ExchangeFeedback feedback)
    {
        var (exchange, choice) = feedback;
        if (exchange.MessageId is not { } messageId || await CallerAsync() is not { } who) return;
        try
        {
            var comment = choice.Comment ?? (choice.Rating == exchange.Feedback ? exchange.FeedbackComment : null);
            if (await Conversations.SetFeedbackAsync(messageId, choice.Rating, comment, who, Closing))
            {
                exchange.Feedback = choice.Rating;
                exchange.FeedbackComment = comment;
                if (choice.Comment is not null) exchange.CommentSent = true;
                Status = choice.Comment is not null ? L["FeedbackCommentThanks"] : L["FeedbackThanks"];
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Saving feedback failed");
            exchange.Error = UserMessages.For(e);
        }
    }

    private async Task CopyAsync(ChatExchange exchange)
    {
        var copied = false;
        try
        {
            copied = await JS.InvokeAsync<bool>("privateRag.copy", exchange.Answer);
        }
        catch (JSException)
        {
        }
        Snackbar.Add(copied ? L["Copied"] : L["CopyFailed"], copied ? Severity.Success : Severity.Warning);
    }

    private void OpenCitation(Citation citation) => _activeCitation = citation;

    private void CloseSource()
    {
        // Keyboard users continue from the chip that opened the panel.
        if (_activeCitation is { } citation && Exchanges.FindIndex(e => e.Citations.Contains(citation)) is var turn and >= 0)
            _returnFocus = (turn, citation.N);
        _activeCitation = null;
    }

    private void ToggleSidebar() => _sidebarOpen = !_sidebarOpen;

    private void CloseSidebar() => _sidebarOpen = false;

    /// <summary>Called by app.js when an inline <c>[n]</c> marker in an answer is clicked.</summary>
    [JSInvokable]
    public Task OpenCitationFromMarker(int turn, int n)
    {
        if (turn < 0 || turn >= Exchanges.Count || Exchanges[turn].FindCitation(n) is not { } citation) return Task.CompletedTask;
        _activeCitation = citation;
        return InvokeAsync(StateHasChanged);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        _self?.Dispose();
        return ValueTask.CompletedTask;
    }
}
