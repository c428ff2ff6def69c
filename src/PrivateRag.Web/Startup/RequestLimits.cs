using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Hosting;

namespace PrivateRag.Web.Startup;

/// <summary>The <c>Requests</c> section: how large a non-upload request body may be.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Requests";

    /// <summary>JSON (and any other non-multipart) bodies of <c>/api</c>, <c>/v1</c> and <c>/mcp</c> calls. Uploads have their own limits (<c>Uploads:*</c>).</summary>
    [Range(1024, 64L * 1024 * 1024)] public long MaxJsonBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Caps the body of every <c>/api</c>, <c>/v1</c> and <c>/mcp</c> request that is not a multipart upload: a declared length over the cap gets 413 at
/// once, an undeclared (chunked) body fails with 413 as soon as it passes the cap.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptionsMonitor<RequestLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var capped = request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/v1") || request.Path.StartsWithSegments("/mcp");
        if (!capped || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ||
            request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var limit = options.CurrentValue.MaxJsonBytes;
        if (request.ContentLength > limit) throw TooLarge(limit);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        request.Body = new LengthLimitedStream(request.Body, limit, l => TooLarge(l).Message);
        await next(context);
    }

    private static PayloadTooLargeException TooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes (Requests:MaxJsonBytes).");
}
