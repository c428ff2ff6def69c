using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Widget;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Components.Admin.Widget;

public partial class AdminWidget
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private IOptionsMonitor<WidgetFramingOptions> Widget { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private ILogger<AdminWidget> Logger { get; set; } = default!;

    private IReadOnlyList<CollectionSummary> _collections = [];
    private readonly HashSet<Guid> _picked = [];
    private string _title = WidgetText.DefaultTitle;
    private string _accent = WidgetText.DefaultAccent;
    private bool _loaded;
    private bool _copied;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _collections = await Collections.ListReadableAsync(await CurrentUser.RequireAsync());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Listing collections for the widget page failed");
        }
        _loaded = true;
    }

    private void Toggle(Guid id, bool on)
    {
        if (on) _picked.Add(id);
        else _picked.Remove(id);
    }

    private string CollectionsValue => string.Join(',', _collections.Where(c => _picked.Contains(c.Id)).Select(c => c.Id));

    private string AppOrigin => new Uri(Navigation.BaseUri).GetLeftPart(UriPartial.Authority);

    /// <summary>What an intranet page pastes: one async script tag, attributes HTML-encoded.</summary>
    private string Snippet
    {
        get
        {
            var attributes = new List<string> { $"src=\"{AppOrigin}/widget.js\"" };
            if (CollectionsValue.Length > 0) attributes.Add($"data-collections=\"{CollectionsValue}\"");
            attributes.Add($"data-title=\"{System.Net.WebUtility.HtmlEncode(WidgetText.Title(_title))}\"");
            attributes.Add($"data-accent=\"{WidgetText.Accent(_accent)}\"");
            return $"<script {string.Join(' ', attributes)} async></script>";
        }
    }

    private string FrameUrl
    {
        get
        {
            var query = new Dictionary<string, string?> { ["title"] = WidgetText.Title(_title), ["accent"] = WidgetText.Accent(_accent) };
            if (CollectionsValue.Length > 0) query["collections"] = CollectionsValue;
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/embed/chat", query);
        }
    }

    private async Task CopyAsync()
    {
        try
        {
            _copied = await JS.InvokeAsync<bool>("privateRag.copy", Snippet);
        }
        catch (JSException)
        {
            _copied = false;
        }
    }
}
