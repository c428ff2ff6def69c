using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace PrivateRag.Web.Components.Layout;

public partial class MainLayout
{
    [Inject] private IJSRuntime JS { get; set; } = default!;

    private sealed record AdminPage(string Href, string Icon, string Label);

    private static readonly AdminPage[] AdminPages =
    [
        new("/admin/collections", Icons.Material.Outlined.FolderCopy, "Collections"),
        new("/admin/explain", Icons.Material.Outlined.ManageSearch, "Explain"),
        new("/admin/models", Icons.Material.Outlined.Memory, "Models_Title"),
        new("/admin/analytics", Icons.Material.Outlined.Insights, "Analytics"),
        new("/admin/evaluation", Icons.Material.Outlined.FactCheck, "Evaluation"),
        new("/admin/users", Icons.Material.Outlined.ManageAccounts, "Users"),
        new("/admin/audit", Icons.Material.Outlined.History, "Audit"),
        new("/admin/widget", Icons.Material.Outlined.Widgets, "Widget"),
    ];

    private bool _dark;

    [CascadingParameter(Name = "Theme")] public string? Theme { get; set; }

    protected override void OnInitialized() => _dark = Theme == "dark";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        try
        {
            _dark = await JS.InvokeAsync<bool>("privateRag.theme.isDark");
            await JS.InvokeVoidAsync("privateRag.markInteractive", _dark);
            StateHasChanged();
        }
        catch (JSException)
        {
            // The saved choice is a nicety; the light theme is a fine default.
        }
    }

    private async Task ToggleDarkModeAsync()
    {
        _dark = !_dark;
        try
        {
            await JS.InvokeVoidAsync("privateRag.theme.save", _dark);
        }
        catch (JSException)
        {
            // Not remembered across visits, still switched now.
        }
    }

    /// <summary>Remembers the language in the standard culture cookie and reloads: the whole page changes language.</summary>
    private async Task SetLanguageAsync(string language)
    {
        try
        {
            await JS.InvokeVoidAsync("privateRag.setLanguage", language);
        }
        catch (JSException)
        {
        }
    }
}
