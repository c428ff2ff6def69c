using System.Net.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Account;
using PrivateRag.Web.Components.Admin.Analytics;
using PrivateRag.Web.Components.Admin.Audit;
using PrivateRag.Web.Components.Admin.Collections;
using PrivateRag.Web.Components.Admin.Evaluation;
using PrivateRag.Web.Components.Admin.Explain;
using PrivateRag.Web.Components.Admin.Models;
using PrivateRag.Web.Components.Admin.Widget;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Layout;
using PrivateRag.Web.Components.Shared;
using PrivateRag.Web.Components.Sources;
using PrivateRag.Web.Components.Widget;
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
