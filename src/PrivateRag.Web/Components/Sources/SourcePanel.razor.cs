using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using System.Globalization;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Web.Auth;
using PrivateRag.Web.PageImages;

namespace PrivateRag.Web.Components.Sources;

public partial class SourcePanel
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private IChunkIndex Index { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<SourcePanel> Logger { get; set; } = default!;

    [Inject] private PageImageRenderer Renderer { get; set; } = default!;

    private const int MinZoom = 50;
    private const int MaxZoom = 300;

    [Parameter, EditorRequired] public Citation Citation { get; set; } = default!;

    [Parameter] public EventCallback OnClose { get; set; }

    private Citation? _loadedFor;
    private SourceContext? _context;
    private bool _loading;
    private bool _unavailable;
    private bool _reveal;
    private ElementReference _highlight;
    private ElementReference _title;
    private int _page;
    private string? _pageProblem;
    private bool _showText;
    private int _zoom = 100;

    /// <summary>The page image is shown for PDFs whose page renders, unless the reader chose the text view.</summary>
    private bool ShowPage => _context is { IsPdf: true } && _pageProblem is null && !_showText && _page > 0;

    private int PageCount => _context?.Document.Pages ?? 0;

    private string PageUrl => string.Create(CultureInfo.InvariantCulture, $"/api/documents/{Citation.DocumentId}/pages/{_page}.png");

    private string SheetStyle => string.Create(CultureInfo.InvariantCulture, $"width:{_zoom}%");

    /// <summary>A region as percentages of the page image (CSS positions, no script needed).</summary>
    private static string Style(PageRegion r) => string.Create(CultureInfo.InvariantCulture,
        $"left:{r.Left * 100:0.###}%;top:{r.Top * 100:0.###}%;width:{r.Width * 100:0.###}%;height:{r.Height * 100:0.###}%");

    /// <summary>
    /// Renders the page on the server first (it is then cached for the image request that follows), so a page that
    /// cannot be rendered (damaged, encrypted) is known here and the text view opens with the reason instead.
    /// </summary>
    private async Task LoadPageAsync(AccessContext who, int page)
    {
        _pageProblem = null;
        _page = 0;
        if (_context is not { IsPdf: true } context) return;
        var target = Math.Max(1, page);
        var image = await Renderer.RenderAsync(context.Document, target,
            async ct => await Documents.OpenReadableAsync(context.Document.Id, who, ct) is { } file ? file.Content : null, CancellationToken.None);
        _pageProblem = image.Problem;
        _page = target;
    }

    private async Task GoToPageAsync(int delta)
    {
        var target = _page + delta;
        if (target < 1 || (PageCount > 0 && target > PageCount)) return;
        await LoadPageAsync(await CurrentUser.RequireAsync(), target);
    }

    private void Zoom(int delta) => _zoom = Math.Clamp(_zoom + delta, MinZoom, MaxZoom);

    private bool IsPdf => _context?.IsPdf ?? Citation.DocumentName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

    private string OriginalUrl => SourceLinks.Original(Citation.DocumentId, IsPdf ? _context?.Page ?? Citation.Page : 0);

    protected override async Task OnParametersSetAsync()
    {
        if (ReferenceEquals(_loadedFor, Citation)) return;
        _loadedFor = Citation;
        _loading = true;
        _unavailable = false;
        _context = null;
        _showText = false;
        try
        {
            var who = await CurrentUser.RequireAsync();
            _context = await SourceContext.LoadAsync(Documents, Index, who, Citation.DocumentId, Citation.ChunkId,
                Citation.CharStart, Citation.CharEnd, Citation.Snippet, citedAt: Citation.SpanStart, citedEnd: Citation.SpanEnd);
            if (_context is not null) await LoadPageAsync(who, _context.Page);
            _unavailable = _context is null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Loading the source of citation {N} failed", Citation.N);
            _unavailable = true;
        }
        _loading = false;
        _reveal = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_reveal || _loading) return;
        _reveal = false;
        try
        {
            await _title.FocusAsync(preventScroll: true);
            if (_context is not null) await JS.InvokeVoidAsync("privateRag.reveal", _highlight);
        }
        catch (JSException)
        {
        }
        catch (JSDisconnectedException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
