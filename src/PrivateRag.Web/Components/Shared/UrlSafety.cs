namespace PrivateRag.Web.Components.Shared;

/// <summary>Decides which URLs the UI may link to or redirect to: only addresses inside this app.</summary>
public static class UrlSafety
{
    /// <summary>True for a reference that stays inside this app; the rule answers are sanitised with (Core's <see cref="PrivateRag.Core.Answering.AppUrls"/>).</summary>
    public static bool IsAppRelative(string? url) => PrivateRag.Core.Answering.AppUrls.IsAppRelative(url);

    /// <summary>A path on this site to send the browser to after sign-in; anything else (open redirect) is refused.</summary>
    public static bool IsLocalRedirect(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && IsAppRelative(url);

    /// <summary>The local <paramref name="returnUrl"/>, or <c>/</c> when it is missing or points elsewhere.</summary>
    public static string LocalRedirectOrHome(string? returnUrl) => IsLocalRedirect(returnUrl) ? returnUrl! : "/";
}
