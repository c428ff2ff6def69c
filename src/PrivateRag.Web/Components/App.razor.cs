using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using PrivateRag.Web.Resources;
using static Microsoft.AspNetCore.Components.Web.RenderMode;

namespace PrivateRag.Web.Components;

public partial class App
{
    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    private string _culture = UiText.Supported[0];
    private string? _theme;

    /// <summary>
    /// The language, chosen once per page load from the culture cookie (the picker) or Accept-Language, and handed to
    /// the interactive components as a parameter: a circuit's events do not run on this request.
    /// </summary>
    protected override void OnInitialized()
    {
        _culture = UiText.Choose(HttpContext.Request.Cookies[UiText.CookieName], HttpContext.Request.Headers.AcceptLanguage);
        // The saved light/dark choice (app.js keeps it in a cookie too), so the first paint is already in that mode.
        var theme = HttpContext.Request.Cookies[ThemeCookie];
        _theme = theme is "dark" or "light" ? theme : null;
    }

    public const string ThemeCookie = "privaterag.theme";

    /// <summary>
    /// Interactive server everywhere except pages marked <c>[ExcludeFromInteractiveRouting]</c> (the sign-in page),
    /// which render as static server-side pages so they can write the sign-in cookie.
    /// </summary>
    private IComponentRenderMode? PageRenderMode =>
        HttpContext.AcceptsInteractiveRouting() ? InteractiveServer : null;
}
