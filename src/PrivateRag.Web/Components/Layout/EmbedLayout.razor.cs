using Microsoft.AspNetCore.Components;
using PrivateRag.Web.Components.Widget;

namespace PrivateRag.Web.Components.Layout;

public partial class EmbedLayout
{
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter(Name = "Theme")] public string? Theme { get; set; }

    private bool _dark;
    private string _accent = WidgetText.DefaultAccent;
    private string _motion = "auto";

    protected override void OnParametersSet()
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query);
        var theme = query.TryGetValue("theme", out var t) ? t.ToString() : Theme;
        _dark = theme == "dark";
        _accent = WidgetText.Accent(query.TryGetValue("accent", out var a) ? a.ToString() : null);
        _motion = query.TryGetValue("motion", out var m) && m == "reduce" ? "reduce" : "auto";
    }
}
