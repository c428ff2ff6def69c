using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PrivateRag.Inference.Server;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer KEY</c> for a key in <c>Inference:ApiKeys</c>, compared
/// in constant time (SHA-256 of both sides, every key checked). No keys configured: every request is refused.
/// </summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    private const string KeyItem = "PrivateRag.Inference.ApiKey";
    private readonly byte[][] _keyHashes;

    public ApiKeyFilter(IOptions<InferenceOptions> options)
    {
        _keyHashes = options.Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k))
            .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var index = Match(http.Request.Headers.Authorization.ToString());
        if (index < 0)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            var message = _keyHashes.Length == 0
                ? "This server has no API keys configured (Inference:ApiKeys), so it accepts no calls."
                : "Send a valid API key as 'Authorization: Bearer KEY'.";
            return ValueTask.FromResult<object?>(OpenAiApi.Error(StatusCodes.Status401Unauthorized, message, "invalid_request_error", "invalid_api_key"));
        }

        http.Items[KeyItem] = index;
        return next(context);
    }

    /// <summary>
    /// The fairness key of a request: <c>keyN/USER</c>. The lane is the API key; the end user its caller names only orders
    /// turns inside that lane (see FairQueue), so naming many users does not take more of the model.
    /// </summary>
    public static string UserKey(HttpContext http, string? user)
    {
        var key = http.Items.TryGetValue(KeyItem, out var index) ? $"key{index}" : "key";
        return string.IsNullOrWhiteSpace(user) ? key : $"{key}/{user}";
    }

    private int Match(string authorization)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return -1;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var found = -1;
        for (var i = 0; i < _keyHashes.Length; i++)
        {
            // No early exit: the time taken does not say which key, or how much of one, matched.
            if (CryptographicOperations.FixedTimeEquals(presented, _keyHashes[i]) & found < 0) found = i;
        }

        return found;
    }
}
