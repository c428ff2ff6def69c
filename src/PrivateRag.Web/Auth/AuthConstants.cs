namespace PrivateRag.Web.Auth;

public static class AuthSchemes
{
    /// <summary>Picks the cookie or the API key per request.</summary>
    public const string Smart = "PrivateRag";
    public const string Cookie = "Cookies";
    public const string ApiKey = "ApiKey";
}

public static class Policies
{
    public const string Admin = "Admin";
}

public static class PrivateRagClaims
{
    /// <summary>How the caller signed in: local, apikey or entra.</summary>
    public const string Kind = "privaterag:kind";
    public const string Subject = "privaterag:sub";
    public const string Group = "privaterag:group";
}
