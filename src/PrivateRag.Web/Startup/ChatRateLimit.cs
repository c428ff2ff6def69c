using System.Security.Claims;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PrivateRag.Web.Startup;

/// <summary>
/// Per-user limits for questions asked through a Blazor circuit (the chat page, the widget frame), which never pass
/// the HTTP rate limiter: one question takes a token from the very bucket <c>POST /api/chat</c> uses for the same
/// caller (<see cref="RateLimits"/>: <c>RateLimits:ChatPerMinute</c>), so the API and the UI share one budget. Injected into the chat page and the widget frame.
/// </summary>
public sealed class ChatRateLimit(IOptions<RateLimiterOptions> limiter)
{
    /// <summary>True when the question may go ahead; false when the caller's chat budget is spent.</summary>
    public bool TryAcquire(ClaimsPrincipal user) => TryAcquire(user, "/api/chat");

    /// <summary>
    /// True when a call that stands for <c>POST <paramref name="apiPath"/></c> (an MCP tool: <c>/api/search</c> or
    /// <c>/api/chat</c>) may go ahead for this caller; it takes a token from that endpoint's bucket.
    /// </summary>
    public bool TryAcquire(ClaimsPrincipal user, string apiPath)
    {
        if (limiter.Value.GlobalLimiter is not { } global) return true;
        // The limiter partitions by request: describe this call as the API request it stands for.
        var request = new DefaultHttpContext { User = user };
        request.Request.Method = HttpMethods.Post;
        request.Request.Path = apiPath;
        using var lease = global.AttemptAcquire(request);
        return lease.IsAcquired;
    }
}
