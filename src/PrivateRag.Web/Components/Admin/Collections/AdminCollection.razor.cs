using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class AdminCollection : IAsyncDisposable
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private IOptions<UploadOptions> UploadOptions { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<AdminCollection> Logger { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    /// <summary>How often the page reloads while documents are queued or processing, or files are uploading.</summary>
    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Documents per page of the table.</summary>
    [Parameter] public int PageSize { get; set; } = 25;

    private readonly CancellationTokenSource _disposed = new();
    private readonly UploadTracker _uploads = new();
    private CollectionSummary? _collection;
    private DocumentPage? _page;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private bool _loaded;
    private string? _error;
    private DocumentStatus? _status;
    private string? _nameFilter;
    private int _pageNumber = 1;
    private RefreshLoop? _refresh;
    private Guid _attachedTo;
    private UploadPanel? _uploadPanel;
    private DotNetObjectReference<AdminCollection>? _self;
    private IJSObjectReference? _module;
    private IJSObjectReference? _uploader;

    private int AllDocuments => _page?.StatusCounts.Values.Sum() ?? 0;

    private int PageCount => _page is null ? 0 : Math.Max(1, (int)Math.Ceiling(_page.Total / (double)_page.PageSize));

    private bool Active => _page?.HasActive == true || _uploads.IsActive;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded && _attachedTo == Id) return;
        // Another collection in the same page instance: its drop zone is a new element, attached again after render.
        await DetachAsync();
        _loaded = false;
        await RefreshAsync();
        _breadcrumbs =
        [
            new BreadcrumbItem(L["Collections"], "/admin/collections"),
            new BreadcrumbItem(_collection?.Name ?? L["Collection"], null, disabled: true),
        ];
        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_uploader is not null || _collection is null || _uploadPanel is null || _disposed.IsCancellationRequested) return;
        try
        {
            _self ??= DotNetObjectReference.Create(this);
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", _disposed.Token, "./" + Assets["js/uploads.js"]);
            if (_module is null) return;
            var options = UploadOptions.Value;
            _uploader = await _module.InvokeAsync<IJSObjectReference>("attach", _disposed.Token, _uploadPanel.Root, _self, new
            {
                url = $"/api/collections/{Id}/documents",
                maxFileBytes = options.MaxFileBytes,
                allowed = options.AllowedExtensions,
            });
            _attachedTo = Id;
        }
        catch (JSDisconnectedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The browser announces the files it will send (and those it will not, with the reason).</summary>
    [JSInvokable]
    public Task FilesAdded(AnnouncedFile[] files) => InvokeAsync(() =>
    {
        _uploads.Add(files);
        EnsurePolling();
        StateHasChanged();
    });

    /// <summary>Bytes sent so far: key, bytes, key, bytes, … (at most a few times a second).</summary>
    [JSInvokable]
    public Task UploadProgress(long[] keysAndBytes) => InvokeAsync(() =>
    {
        _uploads.Progress(keysAndBytes);
        StateHasChanged();
    });

    /// <summary>The upload API's answers (or the browser's errors) for finished files.</summary>
    [JSInvokable]
    public Task FilesUploaded(UploadedFile[] results) => InvokeAsync(async () =>
    {
        _uploads.Complete(results);
        await RefreshAsync();
        StateHasChanged();
    });

    private async Task RefreshAsync()
    {
        try
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            _collection = await Collections.FindReadableAsync(Id, who, _disposed.Token);
            if (_collection is null)
            {
                _page = null;
            }
            else
            {
                _page = await Documents.QueryAsync(Id, new DocumentQuery(_status, _nameFilter, _pageNumber, PageSize), who, _disposed.Token);
                if (_page.Items.Count == 0 && _pageNumber > 1 && _page.Total > 0)
                {
                    _pageNumber = PageCount;
                    _page = await Documents.QueryAsync(Id, new DocumentQuery(_status, _nameFilter, _pageNumber, PageSize), who, _disposed.Token);
                }
                if (_uploads.Documents is { Count: > 0 } followed)
                    _uploads.Apply(await Documents.FindManyAsync(Id, followed, who, _disposed.Token));
            }
        }
        catch (NotFoundException)
        {
            _collection = null;
            _page = null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading collection {CollectionId} failed", Id);
            _error = UserMessages.For(e);
        }
        EnsurePolling();
    }

    /// <summary>Starts the refresh loop while anything is uploading, queued or processing; it ends by itself when all are done.</summary>
    private void EnsurePolling()
    {
        if (!Active || _disposed.IsCancellationRequested) return;
        _refresh ??= new RefreshLoop(InvokeAsync, async () =>
        {
            await RefreshAsync();
            StateHasChanged();
            return Active;
        });
        _refresh.Start(RefreshInterval);
    }

    private async Task SetStatusAsync(DocumentStatus? status)
    {
        _status = status;
        _pageNumber = 1;
        await RefreshAsync();
    }

    private async Task SetNameFilterAsync(string? name)
    {
        _nameFilter = name;
        _pageNumber = 1;
        await RefreshAsync();
    }

    private async Task SetPageAsync(int page)
    {
        _pageNumber = page;
        await RefreshAsync();
    }

    private Task ReindexAsync(DocumentInfo document) =>
        RunAsync($"Re-indexing {document.Id} failed", async who => await Documents.ReindexAsync(document.Id, who, _disposed.Token));

    private Task RetryAllFailedAsync() =>
        RunAsync("Retrying failed documents failed", async who => await Documents.RetryFailedAsync(Id, who, _disposed.Token));

    private Task DeleteAsync(DocumentInfo document)
    {
        return RunAsync($"Deleting {document.Id} failed", async who => await Documents.DeleteAsync(document.Id, who, _disposed.Token));
    }

    private async Task RunAsync(string failure, Func<AccessContext, Task> action)
    {
        try
        {
            await action(await CurrentUser.RequireAsync(_disposed.Token));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "{Failure}", failure);
            _error = UserMessages.For(e);
        }
        await RefreshAsync();
    }

    private async Task DetachAsync()
    {
        if (_uploader is null) return;
        var uploader = _uploader;
        _uploader = null;
        try
        {
            await uploader.InvokeVoidAsync("dispose");
            await uploader.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser's listeners with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _refresh?.Dispose();
        await DetachAsync();
        try
        {
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
        _self?.Dispose();
        _disposed.Dispose();
    }
}
