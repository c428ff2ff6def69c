using System.Security.Claims;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PrivateRag.Web.Startup;

/// <summary>
/// Per-user limits for questions asked through a Blazor circuit (the chat page, the widget frame), which never pass the
/// HTTP rate limiter: one question takes a token from the very bucket <c>POST /api/chat</c> uses for the same caller
/// (<see cref="RateLimits"/>: <c>RateLimits:ChatPerMinute</c>), so the API and the UI share one budget. Injected, so
/// components ask it rather than carry a service provider around.
/// </summary>
public sealed class ChatRateLimit(IServiceProvider services)
{
    /// <summary>True when the question may go ahead; false when the caller's chat budget is spent.</summary>
    public bool TryAcquire(ClaimsPrincipal user)
    {
        if (services.GetService<IOptions<RateLimiterOptions>>()?.Value.GlobalLimiter is not { } limiter) return true;
        // The limiter partitions by request: describe this question as the API request it stands for.
        var request = new DefaultHttpContext { RequestServices = services, User = user };
        request.Request.Method = HttpMethods.Post;
        request.Request.Path = "/api/chat";
        using var lease = limiter.AttemptAcquire(request);
        return lease.IsAcquired;
    }
}
