using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Components.Sources;

public partial class SourcePanel
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private IChunkIndex Index { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<SourcePanel> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public Citation Citation { get; set; } = default!;

    [Parameter] public EventCallback OnClose { get; set; }

    private Citation? _loadedFor;
    private SourceContext? _context;
    private bool _loading;
    private bool _unavailable;
    private bool _reveal;
    private ElementReference _highlight;
    private ElementReference _title;

    private bool IsPdf => _context?.IsPdf ?? Citation.DocumentName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

    private string OriginalUrl => SourceLinks.Original(Citation.DocumentId, IsPdf ? _context?.Page ?? Citation.Page : 0);

    protected override async Task OnParametersSetAsync()
    {
        if (ReferenceEquals(_loadedFor, Citation)) return;
        _loadedFor = Citation;
        _loading = true;
        _unavailable = false;
        _context = null;
        try
        {
            var who = await CurrentUser.RequireAsync();
            _context = await SourceContext.LoadAsync(Documents, Index, who, Citation.DocumentId, Citation.ChunkId,
                Citation.CharStart, Citation.CharEnd, Citation.Snippet, citedAt: Citation.SpanStart);
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
