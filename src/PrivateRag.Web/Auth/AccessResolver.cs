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
/// call, so a removed group or role takes effect on the next request rather than at the next sign-in.
/// </summary>
public sealed class AccessResolver(AccountService accounts, EntraAccess? entra = null)
{
    public async Task<AccessContext?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var kind = principal.FindFirstValue(PrivateRagClaims.Kind);
        var subject = principal.FindFirstValue(PrivateRagClaims.Subject) ?? principal.Identity.Name;
        if (subject is null) return null;
        if (kind == "local") return await accounts.ResolveUserAsync(subject, ct);
        if (kind == "entra") return entra is null ? null : await entra.ResolveAsync(principal, ct);
        return new AccessContext(
            subject,
            principal.Identity.Name ?? subject,
            principal.IsInRole(Roles.Admin),
            principal.FindAll(PrivateRagClaims.Group).Select(c => c.Value).ToHashSet());
    }

    public static ClaimsPrincipal LocalPrincipal(UserInfo user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.DisplayName ?? user.UserName),
            new(PrivateRagClaims.Subject, user.UserName),
            new(PrivateRagClaims.Kind, "local"),
            new(ClaimTypes.Role, user.Role),
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
