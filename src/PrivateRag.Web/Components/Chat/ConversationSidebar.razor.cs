using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using PrivateRag.Core.Answering;

namespace PrivateRag.Web.Components.Chat;

public partial class ConversationSidebar : IDisposable
{
    private static readonly TimeSpan SearchPause = TimeSpan.FromMilliseconds(250);

    private string _search = "";
    private CancellationTokenSource? _searchCts;
    private Guid? _renaming;
    private string _renameText = "";
    private bool _focusRename;
    private ElementReference _renameInput;
    private Guid? _confirmDelete;

    [Parameter, EditorRequired] public IReadOnlyList<ConversationSummary> Conversations { get; set; } = [];

    /// <summary>The conversation on the page (highlighted, <c>aria-current</c>).</summary>
    [Parameter] public Guid? ActiveId { get; set; }

    /// <summary>False until the list was read once: no "no conversations yet" before that.</summary>
    [Parameter] public bool Loaded { get; set; }

    [Parameter] public EventCallback OnNewConversation { get; set; }

    /// <summary>A conversation's link was followed (a phone closes the sidebar).</summary>
    [Parameter] public EventCallback OnNavigate { get; set; }

    /// <summary>The search text, after a pause in typing.</summary>
    [Parameter] public EventCallback<string> OnSearch { get; set; }

    [Parameter] public EventCallback<ConversationRename> OnRename { get; set; }

    /// <summary>Deletion was confirmed.</summary>
    [Parameter] public EventCallback<Guid> OnDelete { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focusRename) return;
        _focusRename = false;
        try
        {
            await _renameInput.FocusAsync();
        }
        catch (Microsoft.JSInterop.JSException)
        {
        }
        catch (Microsoft.JSInterop.JSDisconnectedException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task OnSearchInput(ChangeEventArgs e)
    {
        _search = e.Value as string ?? "";
        if (_searchCts is not null) await _searchCts.CancelAsync();
        _searchCts?.Dispose();
        var cts = _searchCts = new CancellationTokenSource();
        try
        {
            await Task.Delay(SearchPause, cts.Token); // wait for a pause in typing
            await OnSearch.InvokeAsync(_search);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void StartRename(ConversationSummary c)
    {
        _confirmDelete = null;
        _renaming = c.Id;
        _renameText = c.Title;
        _focusRename = true;
    }

    private void StartDelete(Guid id) => _confirmDelete = id;

    private async Task OnRenameKeyDownAsync(KeyboardEventArgs e, Guid id)
    {
        if (e.Key == "Enter") await SaveRenameAsync(id);
        else if (e.Key == "Escape") _renaming = null;
    }

    private async Task SaveRenameAsync(Guid id)
    {
        var title = _renameText.Trim();
        _renaming = null;
        if (title.Length == 0) return;
        await OnRename.InvokeAsync(new ConversationRename(id, title));
    }

    private async Task DeleteAsync(Guid id)
    {
        _confirmDelete = null;
        await OnDelete.InvokeAsync(id);
    }

    public void Dispose()
    {
        _searchCts?.Cancel();
        _searchCts?.Dispose();
    }
}

/// <summary>A conversation's new title, as typed in the sidebar (trimmed, not empty).</summary>
public sealed record ConversationRename(Guid Id, string Title);
