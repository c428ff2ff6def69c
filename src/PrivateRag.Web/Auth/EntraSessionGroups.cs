using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace PrivateRag.Web.Auth;

/// <summary>
/// Keeps the groups of an Entra browser session current when Microsoft Graph lookup is on. The ID token's groups are
/// stored in the session cookie at sign-in and would otherwise stay until the user signs in again (the cookie slides
/// for days); here they are re-read from Graph once <see cref="EntraSettings.GroupRefreshInterval"/> has passed and
/// written back into the cookie, so a removed membership stops granting access within that interval.
/// </summary>
public sealed class EntraSessionGroups(IOptionsMonitor<EntraSettings> settings, IEntraGroupLookup lookup, TimeProvider clock, ILogger<EntraSessionGroups> logger)
{
    /// <summary>When the session's groups were last read (Unix seconds): at sign-in from the token, then from Graph.</summary>
    public const string RefreshedClaim = "privaterag:groups-at";

    /// <summary>Entra's markers for groups left out of the token; Graph's answer is complete, so they go.</summary>
    private static readonly string[] GroupClaims = ["groups", "hasgroups", "_claim_names", "_claim_sources"];

    public static void StampSignIn(ClaimsPrincipal principal, TimeProvider clock)
    {
        if (principal.Identity is ClaimsIdentity identity)
            identity.AddClaim(new Claim(RefreshedClaim, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
    }

    public static DateTimeOffset? RefreshedAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(RefreshedClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>True for a browser session whose groups are older than the refresh interval (a long-lived Blazor circuit).</summary>
    public static bool IsStale(ClaimsPrincipal principal, EntraSettings settings, DateTimeOffset now) =>
        settings.GraphGroupLookup && RefreshedAt(principal) is { } at && now - at >= settings.GroupRefreshInterval;

    /// <summary>The cookie handler's OnValidatePrincipal: refresh an Entra session's groups when they are due.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal || EntraAuthentication.ObjectId(principal) is not { } oid) return;
        var current = settings.CurrentValue;
        var now = clock.GetUtcNow();
        if (!current.GraphGroupLookup || RefreshedAt(principal) is { } at && now - at < current.GroupRefreshInterval) return;
        try
        {
            var tenant = principal.FindFirstValue("tid") ?? principal.FindFirstValue(EntraAuthentication.TenantIdClaim);
            var groups = await lookup.GetGroupIdsAsync(oid, tenant, context.HttpContext.RequestAborted);
            context.ReplacePrincipal(WithGroups(principal, groups, now));
            context.ShouldRenew = true;
        }
        catch (Exception e) when (e is HttpRequestException or MicrosoftIdentityWebChallengeUserException or InvalidOperationException or JsonException)
        {
            // Fail closed for this request only: the cookie is not renewed and keeps its old stamp, so the next request
            // asks Graph again.
            logger.LogError(e, "Microsoft Graph group refresh failed for {ObjectId}; no group-based access for this request", oid);
            context.ReplacePrincipal(WithGroups(principal, [], stamp: null));
        }
    }

    private static ClaimsPrincipal WithGroups(ClaimsPrincipal principal, IReadOnlyList<string> groups, DateTimeOffset? stamp)
    {
        var identities = principal.Identities.Select(i => i.Clone()).ToList();
        foreach (var identity in identities)
        {
            foreach (var claim in identity.Claims.Where(c => GroupClaims.Contains(c.Type) || c.Type == RefreshedClaim).ToList())
                identity.RemoveClaim(claim);
        }
        var first = identities[0];
        foreach (var group in groups) first.AddClaim(new Claim("groups", group));
        if (stamp is { } at) first.AddClaim(new Claim(RefreshedClaim, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(identities);
    }
}
