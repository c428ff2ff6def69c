using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Startup;

/// <summary>The <c>Widget</c> section as far as framing goes: the origins that may embed <c>/embed/*</c>.</summary>
public sealed class WidgetFramingOptions : IValidatableObject
{
    public const string Section = "Widget";

    /// <summary>Origins such as <c>https://intranet.example.com</c>; empty means the widget frame is same-origin only.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") ||
                uri.AbsolutePath != "/" || origin.TrimEnd('/') != uri.GetLeftPart(UriPartial.Authority) || origin.Contains('*', StringComparison.Ordinal))
                yield return new ValidationResult(
                    $"Widget:AllowedOrigins entry '{origin}' is not an origin; write scheme and host (and port), e.g. https://intranet.example.com.",
                    [nameof(AllowedOrigins)]);
        }
    }
}

/// <summary>
/// Security headers on every response: a Content-Security-Policy suited to Blazor Server and MudBlazor (scripts only
/// from this app, plus the hash of the page's import map; inline styles because MudBlazor sets them; the circuit's
/// WebSocket to this host), no framing except the widget frame, no MIME sniffing, no referrer, and no powerful features.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptionsMonitor<WidgetFramingOptions> widget, IConfiguration configuration)
{
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), " +
        "microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), interest-cohort=()";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!IsEmbed(context.Request.Path)) headers.XFrameOptions = "DENY";
        return next(context);
    }

    public static bool IsEmbed(PathString path) => path.StartsWithSegments("/embed");

    private string ContentSecurityPolicy(HttpContext context)
    {
        var host = context.Request.Host.HasValue ? context.Request.Host.Value : null;
        var connect = host is null ? "'self'" : $"'self' ws://{host} wss://{host}";
        var frameAncestors = IsEmbed(context.Request.Path)
            ? widget.CurrentValue.AllowedOrigins is { Length: > 0 } origins ? "'self' " + string.Join(' ', origins.Select(o => o.TrimEnd('/'))) : "'self'"
            : "'none'";
        var script = "'self'";
        // The API reference page (Scalar) starts itself with one inline module script: allow it by a nonce made for
        // this response only, which the page's options read back (ApiReference). Nothing else is loosened.
        if (context.GetEndpoint()?.Metadata.GetMetadata<PrivateRag.Web.Api.ApiReferencePage>() is not null)
        {
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Items[PrivateRag.Web.Api.ApiReferencePage.NonceKey] = nonce;
            script += $" 'nonce-{nonce}'";
        }
        // <ImportMap /> renders an inline <script type="importmap">: allow exactly that content by its hash.
        if (context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>() is { } importMap)
            script += $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.ToString())))}'";
        // After sign-out or at sign-in the browser may be sent on to Entra ID, which form-action must allow.
        var formAction = EntraOptions.IsConfigured(configuration) ? $"'self' {EntraOptions.InstanceOrigin(configuration)}" : "'self'";
        return $"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
               $"font-src 'self' data:; connect-src {connect}; frame-ancestors {frameAncestors}; frame-src 'self'; " +
               $"object-src 'none'; base-uri 'self'; form-action {formAction}";
    }
}
