using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Widget;

public partial class EmbedChat
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private ConversationService Conversations { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<EmbedChat> Logger { get; set; } = default!;

    public enum EmbedState { Loading, SignedOut, NoAccess, Failed, Ready }

    [SupplyParameterFromQuery(Name = "collections")] public string? CollectionsParameter { get; set; }

    [SupplyParameterFromQuery(Name = "title")] public string? TitleParameter { get; set; }

    private string W(string key) => WidgetText.Get(L.Language, key);

    protected override string TooManyQuestionsText => W("TooMany");

    private EmbedState _state = EmbedState.Loading;
    private string _title = WidgetText.DefaultTitle;
    private string? _loadError;
    private IReadOnlyList<Guid>? _scope;
    private string _scopeText = "";
    private string _storageKey = "";
    private string _draft = "";
    private ElementReference _messages;
    private ElementReference _input;
    private IJSObjectReference? _module;

    protected override async Task OnInitializedAsync()
    {
        _title = WidgetText.Title(TitleParameter);
        try
        {
            if (await CurrentUser.GetAsync(Closing) is not { } who)
            {
                _state = EmbedState.SignedOut;
                return;
            }
            // What the frame offers is set up here; each question and load asks who the caller is again.
            var readable = await Collections.ListReadableAsync(who, Closing);
            var requested = WidgetText.ParseCollections(CollectionsParameter);
            if (requested.Count == 0)
            {
                _scope = null; // every collection the viewer may read, as in the main chat
                _scopeText = W("AllReadable");
            }
            else
            {
                // By id or by name; anything the viewer may not read is simply not there.
                var picked = readable.Where(c => requested.Any(r =>
                    (Guid.TryParse(r, out var id) && id == c.Id) || string.Equals(r, c.Name, StringComparison.OrdinalIgnoreCase))).ToList();
                if (picked.Count == 0)
                {
                    _state = EmbedState.NoAccess;
                    return;
                }
                _scope = picked.Select(c => c.Id).ToList();
                _scopeText = string.Join(", ", picked.Select(c => c.Name));
            }
            _storageKey = StorageKey(who.Subject, _scope);
            _state = EmbedState.Ready;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading the widget frame failed");
            _loadError = UserMessages.For(e);
            _state = EmbedState.Failed;
        }
    }

    /// <summary>
    /// Where this frame remembers the viewer's conversation (localStorage of the app's origin): one per user and set of
    /// collections, named by a hash so the key itself says nothing about either.
    /// </summary>
    public static string StorageKey(string subject, IReadOnlyList<Guid>? scope)
    {
        var scopeText = scope is null ? "*" : string.Join(',', scope.Order());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(subject + "\n" + scopeText));
        return "privaterag.widget." + Convert.ToHexStringLower(hash)[..24];
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/embed.js");
                await _module.InvokeVoidAsync("start");
                if (_state == EmbedState.Ready && await _module.InvokeAsync<string?>("loadConversation", _storageKey) is { } saved
                    && Guid.TryParse(saved, out var id))
                {
                    await LoadConversationAsync(id);
                    StateHasChanged();
                }
                await _module.InvokeVoidAsync("markInteractive");
            }
            if (ScrollToEnd && _module is not null)
            {
                ScrollToEnd = false;
                await _module.InvokeVoidAsync("scrollToEnd", _messages);
            }
        }
        catch (JSDisconnectedException)
        {
        }
        catch (JSException e)
        {
            Logger.LogDebug(e, "Widget frame script unavailable");
        }
        catch (InvalidOperationException e)
        {
            Logger.LogDebug(e, "Widget frame script unavailable");
        }
    }

    /// <summary>The remembered conversation, when it still exists and is the viewer's; otherwise a fresh start.</summary>
    private async Task LoadConversationAsync(Guid id)
    {
        if (await CallerAsync() is not { } who) return;
        try
        {
            if (await Conversations.GetAsync(id, who, Closing) is { } detail)
            {
                CurrentConversationId = detail.Id;
                Exchanges = ChatExchange.FromHistory(detail.Messages);
                ScrollToEnd = true;
            }
            else
            {
                await SaveConversationAsync(null);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Loading the widget's conversation failed");
        }
    }

    private async Task SaveConversationAsync(Guid? id)
    {
        try
        {
            if (_module is not null) await _module.InvokeVoidAsync("saveConversation", _storageKey, id?.ToString());
        }
        catch (JSException)
        {
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>A new conversation is remembered for the next page that embeds the same widget.</summary>
    protected override async Task OnConversationStartedAsync(Guid? previous)
    {
        if (previous != CurrentConversationId) await SaveConversationAsync(CurrentConversationId);
    }

    /// <summary>The remembered conversation was deleted in the app meanwhile: the next question starts a new one.</summary>
    protected override Task OnConversationGoneAsync() => SaveConversationAsync(null);

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (ChatComposer.IsSend(e)) await SendAsync();
    }

    private Task SendAsync()
    {
        var question = _draft.Trim();
        if (question.Length == 0 || IsAnswering) return Task.CompletedTask;
        _draft = "";
        return AskAsync(question, _scope);
    }

    private async Task NewConversationAsync()
    {
        Stop();
        CurrentConversationId = null;
        Exchanges = [];
        await SaveConversationAsync(null);
        try
        {
            await _input.FocusAsync();
        }
        catch (JSException)
        {
        }
    }

    protected override void OnInitialized() => AuthenticationState.AuthenticationStateChanged += OnAuthenticationChanged;

    /// <summary>
    /// The circuit was signed out (the periodic check, or an action that found the session ended): the frame shows its
    /// sign-in prompt instead of the conversation.
    /// </summary>
    private void OnAuthenticationChanged(Task<AuthenticationState> state) => _ = InvokeAsync(async () =>
    {
        if ((await state).User.Identity?.IsAuthenticated == true || _state == EmbedState.SignedOut) return;
        Stop();
        Exchanges = [];
        CurrentConversationId = null;
        _state = EmbedState.SignedOut;
        StateHasChanged();
    });

    protected override Task OnSessionEndedAsync()
    {
        _state = EmbedState.SignedOut;
        StateHasChanged();
        return Task.CompletedTask;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        AuthenticationState.AuthenticationStateChanged -= OnAuthenticationChanged;
        if (_module is null) return;
        try
        {
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
