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
    public bool TryAcquire(ClaimsPrincipal user)
    {
        if (limiter.Value.GlobalLimiter is not { } global) return true;
        // The limiter partitions by request: describe this question as the API request it stands for.
        var request = new DefaultHttpContext { User = user };
        request.Request.Method = HttpMethods.Post;
        request.Request.Path = "/api/chat";
        using var lease = global.AttemptAcquire(request);
        return lease.IsAcquired;
    }
}
