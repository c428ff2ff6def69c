using Microsoft.AspNetCore.Components;

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
