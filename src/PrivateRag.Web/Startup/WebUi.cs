using MudBlazor.Services;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Startup;

/// <summary>The Blazor Server UI (MudBlazor) and the endpoints it needs.</summary>
public static class WebUi
{
    public static IServiceCollection AddPrivateRagUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return services;
    }

    public static WebApplication MapPrivateRagUi(this WebApplication app)
    {
        app.MapStaticAssets();
        // frame-ancestors comes from SecurityHeadersMiddleware (the widget frame may be embedded by Widget:AllowedOrigins).
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapApiAntiforgery();
        app.MapPrivateRagSignInEndpoints();
        return app;
    }
}
