using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the hashed keys in the store.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountService accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request) is not { } key) return AuthenticateResult.NoResult();
        var caller = await accounts.ResolveApiKeyCallerAsync(key, Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail("The API key is not valid or was revoked.");
        var who = caller.Access;
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, who.DisplayName),
            new(PrivateRagClaims.Subject, who.Subject),
            new(PrivateRagClaims.Kind, "apikey"),
            new(PrivateRagClaims.ApiKeyId, caller.KeyId.ToString()),
            new(ClaimTypes.Role, who.IsAdmin ? Roles.Admin : Roles.User),
        };
        claims.AddRange(who.Groups.Select(g => new Claim(PrivateRagClaims.Group, g)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }
}
