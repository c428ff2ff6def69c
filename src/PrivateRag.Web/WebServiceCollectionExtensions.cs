using PrivateRag.Web.Agents;
using PrivateRag.Web.Api;
using PrivateRag.Web.Auth;
using PrivateRag.Web.PageImages;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// The web app's own services, one concern each: the API's error and JSON conventions, sign-in and policies,
    /// hardening, the UI, and background work. Each piece registers its services once and resolves what it needs
    /// from the others when the app starts, so the order of these calls (and of <c>AddPrivateRagCore</c> and the
    /// rest) does not matter.
    /// </summary>
    public static WebApplicationBuilder AddPrivateRagWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services
            .AddPrivateRagApi()
            .AddPrivateRagAuthentication(builder.Configuration)
            .AddPrivateRagHardening()
            .AddPrivateRagUi()
            .AddPrivateRagBackgroundWork()
            .AddPrivateRagMcp()
            .AddPrivateRagApiReference()
            .AddPageImages(builder.Configuration);
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
}
