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

namespace PrivateRag.Web.Components.Account;

public partial class RedirectToLogin
{
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>
    /// Sends an unauthenticated visitor to the sign-in page with a full page load (the sign-in page is a static page
    /// that sets the cookie), remembering where they wanted to go.
    /// </summary>
    protected override void OnInitialized()
    {
        var returnUrl = "/" + Navigation.ToBaseRelativePath(Navigation.Uri);
        Navigation.NavigateTo($"login?returnUrl={Uri.EscapeDataString(returnUrl)}", forceLoad: true);
    }
}
