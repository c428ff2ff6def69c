using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Abstractions;
using Microsoft.Identity.Web;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Configuration;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Web.Auth;

/// <summary>
/// PrivateRag's own keys in the <c>AzureAd</c> section (Microsoft.Identity.Web reads the standard ones: Instance,
/// TenantId, ClientId, ClientSecret / ClientCertificates, Audience).
/// </summary>
public sealed class EntraSettings
{
    /// <summary>When a token says the user has too many groups to list (groups overage), ask Microsoft Graph with the app's own token.</summary>
    public bool GraphGroupLookup { get; set; }

    /// <summary>Callers need the <c>User</c> or <c>Admin</c> app role; off lets any signed-in member of the tenant in as a user.</summary>
    public bool RequireAppRole { get; set; } = true;

    /// <summary>How long groups looked up in Graph are reused for one user.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GroupCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// With <see cref="GraphGroupLookup"/>: how old a browser session's groups may get before they are read from Graph
    /// again, so a removed membership ends within this time instead of at the next sign-in.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GroupRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";
}

/// <summary>Groups of an Entra user when the token could not carry them all.</summary>
public interface IEntraGroupLookup
{
    Task<IReadOnlyList<string>> GetGroupIdsAsync(string objectId, string? tenantId, CancellationToken ct);
}

/// <summary>Entra ID sign-in (OpenID Connect for the UI) and bearer tokens (the API) from one app registration.</summary>
public static class EntraAuthentication
{
    public const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    public const string TenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";
    public const string SignInPath = "/account/signin-entra";

    public static void AddPrivateRagEntra(this AuthenticationBuilder auth, IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(EntraOptions.Section);
        // GraphGroupLookup decides which services exist, so the section is read (and validated) now as well as at start.
        var settings = configuration.GetValidated<EntraSettings>(EntraOptions.Section);
        services.AddOptions<EntraSettings>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        var api = auth.AddMicrosoftIdentityWebApi(section, AuthSchemes.EntraBearer);
        auth.AddMicrosoftIdentityWebApp(section, AuthSchemes.EntraOidc, cookieScheme: null);
        if (settings.GraphGroupLookup)
        {
            // Graph is called with the application's own token only. Enabled on the API scheme, not the web app's:
            // there it would also make MSAL redeem every sign-in's code and keep users' refresh tokens in memory,
            // a second sign-in path nothing here needs.
            api.EnableTokenAcquisitionToCallDownstreamApi().AddInMemoryTokenCaches();
            services.AddHttpClient<IEntraGroupLookup, GraphGroupLookup>();
            services.AddSingleton<EntraSessionGroups>();
            services.PostConfigure<CookieAuthenticationOptions>(AuthSchemes.Cookie, o =>
            {
                var validate = o.Events.OnValidatePrincipal;
                o.Events.OnValidatePrincipal = async context =>
                {
                    await validate(context);
                    if (context.Principal is not null)
                        await context.HttpContext.RequestServices.GetRequiredService<EntraSessionGroups>().ValidateAsync(context);
                };
            });
        }

        // A single-tenant registration accepts tokens from its own tenant only: v2.0 and v1.0 access tokens (an app
        // registration issues v1.0 tokens unless its manifest asks for v2), checked without a metadata round trip.
        if (Guid.TryParse(section["TenantId"], out var tenant))
        {
            var instance = EntraOptions.InstanceOrigin(configuration);
            services.PostConfigure<JwtBearerOptions>(AuthSchemes.EntraBearer, o =>
                o.TokenValidationParameters.ValidIssuers = [$"{instance}/{tenant}/v2.0", $"https://sts.windows.net/{tenant}/"]);
        }

        services.Configure<OpenIdConnectOptions>(AuthSchemes.EntraOidc, o =>
        {
            // The session is PrivateRag's own cookie, the same one local accounts get.
            o.SignInScheme = AuthSchemes.Cookie;
            // Authorization code flow (with PKCE and the client secret or certificate) rather than Identity.Web's
            // default implicit id_token: no token travels through the browser, and no implicit grant is enabled.
            o.ResponseType = Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // The page header shows who is signed in by display name, as for local accounts (Identity.Web would show
            // preferred_username); the object id stays the subject for access, audit and ownership.
            o.TokenValidationParameters.NameClaimType = "name";
            var validated = o.Events.OnTokenValidated;
            o.Events.OnTokenValidated = async context =>
            {
                await validated(context);
                if (context.Principal is not null)
                {
                    EntraSessionGroups.StampSignIn(context.Principal, context.HttpContext.RequestServices.GetRequiredService<TimeProvider>());
                    await StampSessionVersionAsync(context.Principal, context.HttpContext.RequestServices.GetRequiredService<AccountService>());
                }
                var who = context.Principal?.FindFirstValue("preferred_username") ?? ObjectId(context.Principal) ?? "unknown";
                await context.HttpContext.RequestServices.GetRequiredService<IAuditLog>().RecordAsync(AuditEntry.SignIn(who, true, "entra"));
            };
            o.Events.OnRemoteFailure = async context =>
            {
                await context.HttpContext.RequestServices.GetRequiredService<IAuditLog>().RecordAsync(AuditEntry.SignIn("unknown", false, "entra"));
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EntraAuthentication))
                    .LogWarning(context.Failure, "Entra sign-in failed");
                // Back to the sign-in page with a plain message instead of an error page.
                context.Response.Redirect("/login?error=entra");
                context.HandleResponse();
            };
        });
        services.AddSingleton<IClaimsTransformation, EntraClaimsTransformation>();
        services.AddSingleton<EntraAccess>();
    }

    /// <summary>
    /// The session cookie carries the user's current session version, so "sign out everywhere" (which raises it) ends
    /// this session too, as it does a local account's.
    /// </summary>
    private static async Task StampSessionVersionAsync(ClaimsPrincipal principal, AccountService accounts)
    {
        if (ObjectId(principal) is not { } oid || principal.Identity is not ClaimsIdentity identity) return;
        var version = await accounts.ExternalSessionVersionAsync(AccessResolver.EntraSessionSubject(oid));
        identity.AddClaim(new Claim(PrivateRagClaims.SessionVersion, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static bool LooksLikeJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    public static string? ObjectId(ClaimsPrincipal? principal) =>
        principal?.FindFirstValue("oid") ?? principal?.FindFirstValue(ObjectIdClaim);

    /// <summary>
    /// <c>/account/signin-entra?returnUrl=</c> starts the Entra sign-in; <c>/account/signed-in</c> is where it ends: a
    /// page on this site that moves on to the return URL, so the SameSite=Strict cookie set by the cross-site callback
    /// is sent with the next (same-site) request.
    /// </summary>
    public static void MapEntraSignIn(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(SignInPath, (string? returnUrl, HttpContext http, IConfiguration configuration) =>
        {
            if (!EntraOptions.IsConfigured(configuration)) return Results.NotFound();
            var next = LocalOrHome(returnUrl);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = "/account/signed-in?returnUrl=" + Uri.EscapeDataString(next) }, [AuthSchemes.EntraOidc]);
        }).AllowAnonymous();
        routes.MapGet("/account/signed-in", (string? returnUrl) =>
        {
            var next = System.Net.WebUtility.HtmlEncode(LocalOrHome(returnUrl));
            return Results.Content($"<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"0;url={next}\"><title>Signed in</title></head>" +
                                   $"<body><a href=\"{next}\">Continue</a></body></html>", "text/html; charset=utf-8");
        }).AllowAnonymous();
    }

    private static string LocalOrHome(string? url) =>
        PrivateRag.Web.Components.Shared.UrlSafety.IsLocalRedirect(url) ? url! : "/";
}

/// <summary>Marks Entra principals (they carry an object id) with PrivateRag's kind and subject claims.</summary>
public sealed class EntraClaimsTransformation : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == PrivateRagClaims.Kind) ||
            EntraAuthentication.ObjectId(principal) is not { } oid)
            return Task.FromResult(principal);
        var marked = principal.Clone();
        marked.AddIdentity(new ClaimsIdentity([new Claim(PrivateRagClaims.Kind, "entra"), new Claim(PrivateRagClaims.Subject, oid)]));
        return Task.FromResult(marked);
    }
}

/// <summary>
/// An Entra principal as an <see cref="AccessContext"/>: subject = object id, app roles <c>Admin</c>/<c>User</c>,
/// groups = security-group object ids from the <c>groups</c> claim, or from Graph when the token has an overage marker.
/// </summary>
public sealed class EntraAccess(IOptionsMonitor<EntraSettings> settings, ILogger<EntraAccess> logger, IEntraGroupLookup? lookup = null, TimeProvider? clock = null)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, IReadOnlyList<string> Groups)> _cache = new();
    private readonly ConcurrentDictionary<string, bool> _warned = new();

    public async Task<AccessContext?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (EntraAuthentication.ObjectId(principal) is not { } oid) return null;
        var roles = principal.Claims.Where(c => c.Type is "roles" or ClaimTypes.Role).Select(c => c.Value).ToList();
        var admin = roles.Any(r => r.Equals(Roles.Admin, StringComparison.OrdinalIgnoreCase));
        var user = admin || roles.Any(r => r.Equals(Roles.User, StringComparison.OrdinalIgnoreCase));
        if (!user && settings.CurrentValue.RequireAppRole)
        {
            if (_warned.TryAdd("role:" + oid, true))
                logger.LogWarning("Entra user {ObjectId} has neither the Admin nor the User app role and is refused; assign a role in the enterprise application", oid);
            return null;
        }
        var name = principal.FindFirstValue("name") ?? principal.FindFirstValue("preferred_username") ?? principal.Identity?.Name ?? oid;
        IEnumerable<string> groups = principal.FindAll("groups").Select(c => c.Value);
        // A Blazor circuit keeps the principal it started with; once its groups are older than the refresh interval
        // they come from Graph (cached) as well, as the cookie's would on the next HTTP request.
        if (HasGroupsOverage(principal) || EntraSessionGroups.IsStale(principal, settings.CurrentValue, (clock ?? TimeProvider.System).GetUtcNow()))
            groups = await OverageGroupsAsync(principal, oid, ct);
        return new AccessContext(oid, name, admin, groups.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Entra leaves <c>groups</c> out and says so with <c>_claim_names</c> (JWT) or <c>hasgroups</c> (implicit flow).</summary>
    public static bool HasGroupsOverage(ClaimsPrincipal principal) =>
        principal.FindFirstValue("hasgroups") is { } has && has.Equals("true", StringComparison.OrdinalIgnoreCase) ||
        principal.FindAll("_claim_names").Any(c => c.Value.Contains("\"groups\"", StringComparison.Ordinal));

    private async Task<IReadOnlyList<string>> OverageGroupsAsync(ClaimsPrincipal principal, string oid, CancellationToken ct)
    {
        if (!settings.CurrentValue.GraphGroupLookup || lookup is null)
        {
            if (_warned.TryAdd("overage:" + oid, true))
                logger.LogWarning("Entra user {ObjectId} is in more groups than the token can carry (groups overage) and AzureAd:GraphGroupLookup is off: " +
                                  "they get no group-based access. Enable AzureAd:GraphGroupLookup (GroupMember.Read.All) or emit only groups assigned to the application", oid);
            return [];
        }
        var now = DateTimeOffset.UtcNow;
        if (_cache.TryGetValue(oid, out var hit) && hit.Until > now) return hit.Groups;
        try
        {
            var groups = await lookup.GetGroupIdsAsync(oid, principal.FindFirstValue("tid") ?? principal.FindFirstValue(EntraAuthentication.TenantIdClaim), ct);
            _cache[oid] = (now + settings.CurrentValue.GroupCacheDuration, groups);
            return groups;
        }
        catch (Exception e) when (e is HttpRequestException or MicrosoftIdentityWebChallengeUserException or InvalidOperationException or JsonException)
        {
            logger.LogError(e, "Microsoft Graph group lookup failed for {ObjectId}; no group-based access for this request", oid);
            return [];
        }
    }
}

/// <summary>Security groups of a user from Microsoft Graph (<c>getMemberObjects</c>), with the application's own token.</summary>
public sealed class GraphGroupLookup(HttpClient http, IAuthorizationHeaderProvider tokens, IOptionsMonitor<EntraSettings> settings) : IEntraGroupLookup
{
    public async Task<IReadOnlyList<string>> GetGroupIdsAsync(string objectId, string? tenantId, CancellationToken ct)
    {
        var header = await tokens.CreateAuthorizationHeaderForAppAsync("https://graph.microsoft.com/.default",
            new AuthorizationHeaderProviderOptions { AcquireTokenOptions = new AcquireTokenOptions { Tenant = tenantId, AuthenticationOptionsName = AuthSchemes.EntraBearer } }, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.CurrentValue.GraphBaseUrl.TrimEnd('/')}/users/{Uri.EscapeDataString(objectId)}/getMemberObjects")
        {
            Content = JsonContent.Create(new { securityEnabledOnly = true }),
        };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(header);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("value").EnumerateArray().Select(v => v.GetString()!).ToList();
    }
}
