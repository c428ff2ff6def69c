using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Auth;

/// <summary>Who is calling: the sign-in cookie, API keys, Entra ID when configured, the policies, and the audit actor.</summary>
public static class WebAuthentication
{
    public static IServiceCollection AddPrivateRagAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();

        // Keys in the data folder: cookies stay valid across restarts.
        services.AddDataProtection().SetApplicationName("PrivateRag");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PrivateRagOptions>>((keys, data) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.Value.Folder.KeysFolder), NullLoggerFactory.Instance));

        var entra = EntraOptions.IsConfigured(configuration);
        var auth = services.AddAuthentication(AuthSchemes.Smart)
            .AddPolicyScheme(AuthSchemes.Smart, "Cookie, API key or Entra token", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.BearerToken(context.Request) is not { } bearer ? AuthSchemes.Cookie
                : entra && EntraAuthentication.LooksLikeJwt(bearer) ? AuthSchemes.EntraBearer
                : AuthSchemes.ApiKey)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.LoginPath = "/login";
                // A signed-in user without the role for a page (an /admin address typed in) gets a page saying so.
                o.AccessDeniedPath = "/access-denied";
                o.Cookie.Name = "PrivateRag.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                // The API answers 401/403; only pages redirect to the sign-in form.
                o.Events.OnRedirectToLogin = c => ApiAware(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiAware(c, StatusCodes.Status403Forbidden);
                // A saved cookie stops working once its session has ended (see SessionValidation).
                o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            // Agents and OpenAI-style clients (/mcp, /v1) send a bearer token; the sign-in cookie is never consulted
            // there, so a page another site opens in the browser cannot call them with the user's session.
            .AddPolicyScheme(AuthSchemes.Bearer, "API key or Entra token", o => o.ForwardDefaultSelector = context =>
                entra && ApiKeyAuthenticationHandler.BearerToken(context.Request) is { } bearer && EntraAuthentication.LooksLikeJwt(bearer)
                    ? AuthSchemes.EntraBearer
                    : AuthSchemes.ApiKey);
        // Entra ID alongside (not instead of) local accounts and API keys, when AzureAd names a tenant and a client.
        if (entra) auth.AddPrivateRagEntra(services, configuration);

        services.AddSingleton<AccessResolver>();
        services.AddScoped<IAuthorizationHandler, AccessRequirementHandler>();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Smart).RequireAuthenticatedUser().AddRequirements(new AccessRequirement(admin: false)).Build())
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(AuthSchemes.Smart).RequireAuthenticatedUser().AddRequirements(new AccessRequirement(admin: true)))
            .AddPolicy(Policies.Bearer, p => p.AddAuthenticationSchemes(AuthSchemes.Bearer).RequireAuthenticatedUser().AddRequirements(new AccessRequirement(admin: false)));
        services.AddCascadingAuthenticationState();
        // Open pages re-check their session every Sessions:RevalidationInterval and are signed out when it ended.
        // Registered with Add (not TryAdd): Blazor's own TryAdd of the plain provider then finds this one, whichever
        // runs first.
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuthenticationStateProvider, CircuitAuthentication>();
        services.AddScoped<CurrentUser>();

        // The audit log (Core) records the HTTP caller as the actor.
        services.AddSingleton<IAuditActor, HttpAuditActor>();
        // PRIVATERAG_BOOTSTRAP_ADMIN_KEY: an admin API key created once at start.
        services.AddSingleton<IStartupTask, BootstrapAdminKey>();
        return services;
    }

    /// <summary>Entra's sign-in and sign-out callbacks and <c>POST /account/logout</c>.</summary>
    public static IEndpointRouteBuilder MapPrivateRagSignInEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapEntraSignIn();
        routes.MapPost("/account/logout", async (HttpContext http, IConfiguration configuration) =>
        {
            var wasEntra = http.User.FindFirst(PrivateRagClaims.Kind)?.Value == "entra";
            await http.SignOutAsync(AuthSchemes.Cookie);
            // Entra users are also signed out at Entra, which sends them back to /login.
            if (wasEntra && EntraOptions.IsConfigured(configuration))
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [AuthSchemes.EntraOidc]);
            return Results.LocalRedirect("/login");
        });
        return routes;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
