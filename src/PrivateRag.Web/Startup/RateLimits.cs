using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Startup;

/// <summary>The <c>RateLimits</c> section: requests per minute for each caller (user, API key, or address when anonymous).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Any <c>/api</c>, <c>/v1</c> or <c>/mcp</c> call not counted below.</summary>
    [Range(1, 1_000_000)] public int RequestsPerMinute { get; set; } = 600;

    /// <summary><c>POST /api/chat</c>, <c>POST /v1/chat/completions</c>, the MCP <c>ask</c> tool and the UI: each question runs retrieval and, with a model, generation.</summary>
    [Range(1, 100_000)] public int ChatPerMinute { get; set; } = 30;

    /// <summary><c>POST /api/collections/{id}/documents</c>.</summary>
    [Range(1, 100_000)] public int UploadsPerMinute { get; set; } = 30;

    /// <summary><c>POST /api/search</c> and the MCP <c>search</c> tool.</summary>
    [Range(1, 100_000)] public int SearchPerMinute { get; set; } = 120;

    /// <summary>
    /// Sign-in form posts per client address, against password guessing: the <see cref="RateLimits.SignInPolicy"/>
    /// policy on the sign-in endpoint, whatever spelling of its path routed there. Guesses spread over many addresses
    /// meet the per-account lockout instead (<c>SignIn</c> section).
    /// </summary>
    [Range(1, 100_000)] public int SignInsPerMinute { get; set; } = 10;
}

/// <summary>
/// One token bucket per caller and kind of request. The caller is the resolved subject: the API key (each key has its
/// own budget), the signed-in user, or the client address for anonymous requests.
/// </summary>
public static class RateLimits
{
    /// <summary>The named policy the sign-in page carries (<c>[EnableRateLimiting]</c>): its form posts, per address.</summary>
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddPrivateRagRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChatRateLimit>();
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        // The limiter gets what it needs when the options are built, not from each request's services: a question asked
        // in a Blazor circuit (ChatRateLimit) is described by an HttpContext that has none.
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptionsMonitor<RateLimitOptions>, ILoggerFactory, IProblemDetailsService>((o, monitor, logs, problems) =>
            {
                var logger = logs.CreateLogger(typeof(RateLimits));
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                {
                    var limits = monitor.CurrentValue;
                    if (!limits.Enabled || Bucket(context.Request, limits) is not var (bucket, perMinute))
                        return RateLimitPartition.GetNoLimiter("none");
                    return RateLimitPartition.GetTokenBucketLimiter($"{bucket}|{perMinute}|{CallerOf(context)}", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perMinute,
                        TokensPerPeriod = Math.Max(1, perMinute / 60),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(perMinute >= 60 ? 1 : 60.0 / perMinute),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
                });
                // Attached to the endpoint, not matched by path: /login/, /LOGIN or any other address routed to the form
                // counts the same. Only posts count (showing the form is free).
                o.AddPolicy(SignInPolicy, context =>
                {
                    var limits = monitor.CurrentValue;
                    if (!limits.Enabled || !HttpMethods.IsPost(context.Request.Method)) return RateLimitPartition.GetNoLimiter("none");
                    var perMinute = limits.SignInsPerMinute;
                    return RateLimitPartition.GetTokenBucketLimiter($"signin|{perMinute}|ip:{context.Connection.RemoteIpAddress}", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perMinute,
                        TokensPerPeriod = Math.Max(1, perMinute / 60),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(perMinute >= 60 ? 1 : 60.0 / perMinute),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
                });
                o.OnRejected = async (rejected, ct) =>
                {
                    var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                    var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                    var response = rejected.HttpContext.Response;
                    response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    logger.LogWarning("Rate limit reached for {Caller} on {Method} {Path}", CallerOf(rejected.HttpContext), rejected.HttpContext.Request.Method, rejected.HttpContext.Request.Path);
                    await problems.TryWriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = rejected.HttpContext,
                        ProblemDetails =
                        {
                            Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests",
                            Detail = $"Too many requests; try again in {seconds} s.",
                        },
                    });
                };
            });
        return services;
    }

    private static (string Bucket, int PerMinute)? Bucket(HttpRequest request, RateLimitOptions limits)
    {
        var path = request.Path;
        var post = HttpMethods.IsPost(request.Method);
        // An OpenAI-style completion is a question like POST /api/chat and shares its budget.
        if (post && path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase)) return ("chat", limits.ChatPerMinute);
        // Each MCP message counts as an API call; the search and ask tools also take from the search and chat budgets
        // (ChatRateLimit.TryAcquire), which the HTTP request alone cannot tell apart.
        if (path.StartsWithSegments("/mcp") || path.StartsWithSegments("/v1")) return ("api", limits.RequestsPerMinute);
        if (!path.StartsWithSegments("/api")) return null;
        if (post && path.Equals("/api/chat", StringComparison.OrdinalIgnoreCase)) return ("chat", limits.ChatPerMinute);
        if (post && path.Equals("/api/search", StringComparison.OrdinalIgnoreCase)) return ("search", limits.SearchPerMinute);
        if (post && path.StartsWithSegments("/api/collections") && path.Value!.EndsWith("/documents", StringComparison.OrdinalIgnoreCase))
            return ("upload", limits.UploadsPerMinute);
        return ("api", limits.RequestsPerMinute);
    }

    /// <summary>Who a request counts against: <c>key:</c>, <c>user:</c> (kind and subject) or <c>ip:</c>.</summary>
    public static string CallerOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.FindFirstValue(PrivateRagClaims.ApiKeyId) is { } key) return "key:" + key;
            if (user.FindFirstValue(PrivateRagClaims.Subject) is { } subject) return $"user:{user.FindFirstValue(PrivateRagClaims.Kind)}:{subject}";
        }
        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
