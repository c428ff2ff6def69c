namespace PrivateRag.Web.Auth;

public static class AuthSchemes
{
    /// <summary>Picks the cookie or the API key per request.</summary>
    public const string Smart = "PrivateRag";
    public const string Cookie = "Cookies";
    public const string ApiKey = "ApiKey";
    /// <summary>Entra ID bearer tokens for the API (JWT, validated by Microsoft.Identity.Web).</summary>
    public const string EntraBearer = "EntraBearer";
    /// <summary>Entra ID sign-in for the UI (OpenID Connect); the session is then the cookie.</summary>
    public const string EntraOidc = "EntraOidc";
    /// <summary>An API key or an Entra bearer token, never the cookie: what <c>/mcp</c> and <c>/v1</c> accept.</summary>
    public const string Bearer = "AgentBearer";
}

public static class Policies
{
    public const string Admin = "Admin";
    /// <summary>A caller with an API key or an Entra bearer token (agents, OpenAI-style clients); no cookie session.</summary>
    public const string Bearer = "BearerCaller";
}

public static class PrivateRagClaims
{
    /// <summary>How the caller signed in: local, apikey or entra.</summary>
    public const string Kind = "privaterag:kind";
    public const string Subject = "privaterag:sub";
    public const string Group = "privaterag:group";
    /// <summary>The id of the API key a call was made with (rate limits and the audit log count per key).</summary>
    public const string ApiKeyId = "privaterag:keyid";
    /// <summary>
    /// The account's session version (security stamp) when the session began; a session whose version is older than
    /// the account's has ended (sign-out-everywhere, password change, disabling, role change).
    /// </summary>
    public const string SessionVersion = "privaterag:session";
}
