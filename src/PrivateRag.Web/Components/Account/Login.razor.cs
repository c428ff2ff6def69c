using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

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
