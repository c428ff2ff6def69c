using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Startup;

/// <summary>Security headers and widget framing, per-caller rate limits, body size limits, antiforgery for cookie calls to the API.</summary>
public static class WebHardening
{
    public static IServiceCollection AddPrivateRagHardening(this IServiceCollection services)
    {
        services.AddOptions<WidgetFramingOptions>().BindConfiguration(WidgetFramingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddPrivateRagRateLimits();
        // X-Frame-Options comes from SecurityHeadersMiddleware (DENY, none on the widget frame), not from antiforgery.
        services.AddAntiforgery(o =>
        {
            o.HeaderName = ApiAntiforgeryMiddleware.HeaderName;
            o.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }
}
