using System.Net.Http;
using Microsoft.AspNetCore.Authentication;
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

public partial class Login
{
    [Inject] private AccountService Accounts { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private ILogger<Login> Logger { get; set; } = default!;

    [Inject] private IConfiguration Configuration { get; set; } = default!;

    public const string WrongCredentials = "Wrong user name or password.";

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm] private LoginInput Input { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "returnUrl")] private string? ReturnUrl { get; set; }

    private bool _hasAccounts = true;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        _hasAccounts = await Accounts.AnyUsersAsync(HttpContext.RequestAborted);
    }

    private async Task SignInAsync()
    {
        Input ??= new();
        var userName = Input.UserName?.Trim() ?? "";
        var password = Input.Password ?? "";
        Input.Password = null; // never echo it back into the page
        if (userName.Length == 0 || password.Length == 0)
        {
            _error = L["EnterCredentials"];
            return;
        }

        var user = await Accounts.VerifyPasswordAsync(userName, password, HttpContext.RequestAborted);
        if (user is null)
        {
            Logger.LogInformation("Failed sign-in for {UserName}", userName);
            _error = L["WrongCredentials"];
            return;
        }

        await HttpContext.SignInAsync(AuthSchemes.Cookie, AccessResolver.LocalPrincipal(user),
            new AuthenticationProperties { IsPersistent = true });
        Logger.LogInformation("{UserName} signed in", user.UserName);
        // Only ever back into this app: an absolute or protocol-relative returnUrl would be an open redirect.
        Navigation.NavigateTo(UrlSafety.LocalRedirectOrHome(ReturnUrl), forceLoad: true);
    }

    public sealed class LoginInput
    {
        public string? UserName { get; set; }
        public string? Password { get; set; }
    }
}
