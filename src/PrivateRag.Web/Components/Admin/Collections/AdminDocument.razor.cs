using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class AdminDocument : IDisposable
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private DocumentInspector Inspector { get; set; } = default!;

    [Inject] private ILogger<AdminDocument> Logger { get; set; } = default!;

    private const int ChunksPerPage = 20;

    /// <summary>A 500-page report is megabytes of text; the page shows the start, the chunks show the rest.</summary>
    private const int MaxTextShown = 200_000;

    [Parameter] public Guid CollectionId { get; set; }

    [Parameter] public Guid DocumentId { get; set; }

    private readonly CancellationTokenSource _disposed = new();
    private DocumentChunks? _view;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private bool _loaded;
    private bool _busy;
    private string? _error;
    private int _chunkPage = 1;

    private int ChunkPages => _view is null ? 0 : (int)Math.Ceiling(_view.Chunks.Count / (double)ChunksPerPage);

    protected override async Task OnParametersSetAsync()
    {
        _loaded = false;
        _chunkPage = 1;
        await LoadAsync();
        _loaded = true;
    }

    private async Task LoadAsync()
    {
        string? collectionName = null;
        try
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            var view = await Inspector.GetAsync(DocumentId, who, _disposed.Token);
            // The address names the collection too: a document of another collection is "not found" here.
            _view = view?.Document.CollectionId == CollectionId ? view : null;
            collectionName = (await Collections.FindReadableAsync(CollectionId, who, _disposed.Token))?.Name;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading document {DocumentId} failed", DocumentId);
            _error = UserMessages.For(e);
        }
        _breadcrumbs =
        [
            new BreadcrumbItem(L["Collections"], "/admin/collections"),
            new BreadcrumbItem(collectionName ?? L["Collection"], $"/admin/collections/{CollectionId}"),
            new BreadcrumbItem(_view?.Document.Name ?? L["Document"], null, disabled: true),
        ];
    }

    private async Task ReindexAsync()
    {
        _busy = true;
        try
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            await Documents.ReindexAsync(DocumentId, who, _disposed.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Re-indexing {DocumentId} failed", DocumentId);
            _error = UserMessages.For(e);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    private static string Shown(string text) => text.Length <= MaxTextShown ? text : text[..MaxTextShown];

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
