using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace PrivateRag.Web.Auth;

/// <summary>
/// The cookie handler's <c>OnValidatePrincipal</c>: the cookie is refused (and removed) when its session has ended:
/// the account is gone or disabled, or its session version moved on (sign-out-everywhere, password change, disabling,
/// role change). Checked against the store on every request, uncached, so a revocation applies to the next request.
/// </summary>
public static class SessionValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal) return;
        var resolver = context.HttpContext.RequestServices.GetRequiredService<AccessResolver>();
        if (await resolver.SessionIsCurrentAsync(principal, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
    }
}
