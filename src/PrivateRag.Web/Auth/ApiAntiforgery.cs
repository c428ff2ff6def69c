using Microsoft.AspNetCore.Antiforgery;

namespace PrivateRag.Web.Auth;

/// <summary>
/// Antiforgery for <c>/api</c> calls that a browser makes with the sign-in cookie: unsafe methods (POST, PUT, PATCH,
/// DELETE) need the token from <c>GET /api/antiforgery</c> in the <c>RequestVerificationToken</c> header. Calls that
/// carry <c>Authorization: Bearer</c> (API keys, Entra tokens) cannot be forged by another site and are exempt.
/// </summary>
public sealed class ApiAntiforgeryMiddleware(RequestDelegate next, IAntiforgery antiforgery, ILogger<ApiAntiforgeryMiddleware> logger)
{
    public const string HeaderName = "RequestVerificationToken";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api") && IsUnsafe(request.Method) &&
            ApiKeyAuthenticationHandler.BearerToken(request) is null && context.User.Identity?.IsAuthenticated == true &&
            !await antiforgery.IsRequestValidAsync(context))
        {
            logger.LogWarning("Refused a cookie-authenticated {Method} {Path} without a valid antiforgery token", request.Method, request.Path);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status400BadRequest, Title = "Antiforgery token missing or invalid",
                    Detail = $"Calls made with the sign-in cookie must send the token from GET /api/antiforgery in the {HeaderName} header; scripts should use an API key.",
                },
            });
            return;
        }
        await next(context);
    }

    private static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

}

public static class ApiAntiforgery
{
    public sealed record TokenDto(string Token, string HeaderName);

    /// <summary><c>GET /api/antiforgery</c>: a request token for the signed-in browser (and its cookie).</summary>
    public static IEndpointRouteBuilder MapApiAntiforgery(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            return TypedResults.Ok(new TokenDto(tokens.RequestToken!, ApiAntiforgeryMiddleware.HeaderName));
        }).RequireAuthorization().WithTags("Accounts");
        return routes;
    }
}
