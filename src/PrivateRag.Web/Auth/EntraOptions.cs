namespace PrivateRag.Web.Auth;

/// <summary>The <c>AzureAd</c> section (Microsoft.Identity.Web reads it as is); Entra ID is on when it names a tenant and a client.</summary>
public static class EntraOptions
{
    public const string Section = "AzureAd";

    public static bool IsConfigured(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return !string.IsNullOrWhiteSpace(section["TenantId"]) && !string.IsNullOrWhiteSpace(section["ClientId"]);
    }

    /// <summary>Scheme and host of the sign-in authority, e.g. <c>https://login.microsoftonline.com</c>.</summary>
    public static string InstanceOrigin(IConfiguration configuration) =>
        Uri.TryCreate(configuration[$"{Section}:Instance"] ?? "https://login.microsoftonline.com/", UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority) : "https://login.microsoftonline.com";
}
