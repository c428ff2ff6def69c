using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PrivateRag.Inference.Server;

/// <summary>
/// A fixed window of <see cref="InferenceServerOptions.RequestsPerMinutePerKey"/> requests per minute for each bearer
/// token (partitioned by its SHA-256, so no key is held in memory in clear); refusals are OpenAI-style 429 errors with
/// Retry-After, which the OpenAI SDKs honour.
/// </summary>
internal static class InferenceRateLimits
{
    public const string Policy = "inference-key";

    public static IServiceCollection AddInferenceRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<InferenceServerOptions>>((limiter, server) =>
        {
            var perMinute = server.Value.RequestsPerMinutePerKey;
            limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(Partition(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await OpenAiApi.WriteErrorAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    $"This API key made more than {perMinute} requests in a minute (Inference:Server:RequestsPerMinutePerKey); retry after {retryAfter} s.",
                    "rate_limit_error", "rate_limit_exceeded");
            };
        });
        return services;
    }

    private static string Partition(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.Length == 0 ? "anonymous" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)));
    }
}
