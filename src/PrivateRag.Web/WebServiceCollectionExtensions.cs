using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;
using PrivateRag.Inference;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>Sign-in (cookie for the browser, API keys for scripts), policies, the Blazor UI, errors and health.</summary>
    public static WebApplicationBuilder AddPrivateRagWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IStartupTask, BootstrapAdminKey>();
        services.AddHttpContextAccessor();
        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorMapping>();
        // Bad JSON and missing bodies reach ErrorMapping, which says what was wrong, in every environment.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });

        // Keys in the data folder: cookies stay valid across restarts.
        services.AddDataProtection().SetApplicationName("PrivateRag");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PrivateRagOptions>>((keys, data) =>
            keys.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                new DirectoryInfo(data.Value.Folder.KeysFolder), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

        var entra = EntraOptions.IsConfigured(builder.Configuration);
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
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null);
        // Entra ID alongside (not instead of) local accounts and API keys, when AzureAd names a tenant and a client.
        if (entra) auth.AddPrivateRagEntra(services, builder.Configuration);

        services.AddSingleton<AccessResolver>();
        services.AddScoped<IAuthorizationHandler, AccessRequirementHandler>();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Smart).RequireAuthenticatedUser().AddRequirements(new AccessRequirement(admin: false)).Build())
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(AuthSchemes.Smart).RequireAuthenticatedUser().AddRequirements(new AccessRequirement(admin: true)));
        services.AddCascadingAuthenticationState();
        services.AddScoped<CurrentUser>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddPrivateRagModelDownloads(); // catalogue downloads started from /admin/models
        services.AddMudServices();

        // Hardening: headers, rate limits, body size, antiforgery for cookie calls to the API.
        services.AddOptions<WidgetFramingOptions>().BindConfiguration(WidgetFramingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddPrivateRagRateLimits();
        // X-Frame-Options comes from SecurityHeadersMiddleware (DENY, none on the widget frame), not from antiforgery.
        services.AddAntiforgery(o =>
        {
            o.HeaderName = ApiAntiforgeryMiddleware.HeaderName;
            o.SuppressXFrameOptionsHeader = true;
        });

        // Audit log: sign-ins, uploads, deletions, access and key changes, questions; old entries cleaned up.
        services.AddSingleton<IAuditActor, HttpAuditActor>();
        services.AddPrivateRagAudit(builder.Configuration);
        services.AddPrivateRagAuditRetention();

        // Evaluation runs queued from /admin/evaluation or the API are carried out in the background, one at a time.
        services.AddPrivateRagEvaluationWorker();
        return builder;
    }

    public static WebApplication UsePrivateRagWeb(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<ApiAntiforgeryMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPrivateRagUi(this WebApplication app)
    {
        app.MapStaticAssets();
        // frame-ancestors comes from SecurityHeadersMiddleware (the widget frame may be embedded by Widget:AllowedOrigins).
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapApiAntiforgery();
        app.MapEntraSignIn();
        app.MapPost("/account/logout", async (HttpContext http, IConfiguration configuration) =>
        {
            var wasEntra = http.User.FindFirst(PrivateRagClaims.Kind)?.Value == "entra";
            await http.SignOutAsync(AuthSchemes.Cookie);
            // Entra users are also signed out at Entra, which sends them back to /login.
            if (wasEntra && EntraOptions.IsConfigured(configuration))
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [AuthSchemes.EntraOidc]);
            return Results.LocalRedirect("/login");
        });
        return app;
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
