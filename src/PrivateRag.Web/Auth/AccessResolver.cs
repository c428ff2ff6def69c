using System.Security.Claims;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Web.Auth;

/// <summary>
/// Turns a signed-in principal into an <see cref="AccessContext"/>. Local accounts are read from the store on every
/// call, so a removed group or role takes effect on the next request rather than at the next sign-in; a session whose
/// version is older than the account's (or an Entra user's) stands for no one.
/// </summary>
public sealed class AccessResolver(AccountService accounts, EntraAccess? entra = null)
{
    public async Task<AccessContext?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var kind = principal.FindFirstValue(PrivateRagClaims.Kind);
        var subject = principal.FindFirstValue(PrivateRagClaims.Subject) ?? principal.Identity.Name;
        if (subject is null) return null;
        if (kind == "local") return await accounts.ResolveSessionAsync(subject, SessionVersionOf(principal), ct);
        if (kind == "entra")
        {
            if (entra is null || !await EntraSessionIsCurrentAsync(principal, subject, ct)) return null;
            return await entra.ResolveAsync(principal, ct);
        }
        return new AccessContext(
            subject,
            principal.Identity.Name ?? subject,
            principal.IsInRole(Roles.Admin),
            principal.FindAll(PrivateRagClaims.Group).Select(c => c.Value).ToHashSet());
    }

    /// <summary>
    /// Whether a browser session (the cookie) still stands: a local account that exists, is enabled and has the
    /// session's version; an Entra session whose version is current. Cheaper than <see cref="ResolveAsync"/> for Entra
    /// (no group lookup), for the cookie handler to call on every request.
    /// </summary>
    public async Task<bool> SessionIsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return false;
        var subject = principal.FindFirstValue(PrivateRagClaims.Subject) ?? principal.Identity.Name;
        return principal.FindFirstValue(PrivateRagClaims.Kind) switch
        {
            "local" => subject is not null && await accounts.ResolveSessionAsync(subject, SessionVersionOf(principal), ct) is not null,
            "entra" => subject is not null && await EntraSessionIsCurrentAsync(principal, subject, ct),
            // An Entra cookie is marked "entra" only by the claims transformation, after the cookie handler ran.
            _ => EntraAuthentication.ObjectId(principal) is not { } oid || await EntraSessionIsCurrentAsync(principal, oid, ct),
        };
    }

    /// <summary>The store's key for an Entra user's session version.</summary>
    public static string EntraSessionSubject(string objectId) => "entra:" + objectId;

    /// <summary>
    /// Entra sessions carry the version from their sign-in; Entra bearer tokens (the API) carry none and are not
    /// sessions of this app (they end with the token, revoked at Entra).
    /// </summary>
    private async Task<bool> EntraSessionIsCurrentAsync(ClaimsPrincipal principal, string objectId, CancellationToken ct) =>
        principal.FindFirstValue(PrivateRagClaims.SessionVersion) is null ||
        await accounts.ExternalSessionVersionAsync(EntraSessionSubject(objectId), ct) == SessionVersionOf(principal);

    public static int SessionVersionOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(PrivateRagClaims.SessionVersion), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : 0;

    public static ClaimsPrincipal LocalPrincipal(UserInfo user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.DisplayName ?? user.UserName),
            new(PrivateRagClaims.Subject, user.UserName),
            new(PrivateRagClaims.Kind, "local"),
            new(ClaimTypes.Role, user.Role),
            new(PrivateRagClaims.SessionVersion, user.SessionVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthSchemes.Cookie));
    }
}

/// <summary>The caller of the current HTTP request, resolved once per request.</summary>
public static class HttpContextAccessExtensions
{
    private static readonly object Key = new();

    public static async Task<AccessContext?> GetAccessAsync(this HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var cached)) return (AccessContext?)cached;
        var who = await context.RequestServices.GetRequiredService<AccessResolver>().ResolveAsync(context.User, context.RequestAborted);
        context.Items[Key] = who;
        return who;
    }
}

public static class HttpContextRequireAccessExtensions
{
    /// <summary>The caller; endpoints behind the authorization policies always have one.</summary>
    public static async Task<PrivateRag.Core.Access.AccessContext> RequireAccessAsync(this HttpContext context) =>
        await context.GetAccessAsync() ?? throw new UnauthorizedAccessException("No signed-in caller.");
}
