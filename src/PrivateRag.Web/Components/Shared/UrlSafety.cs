namespace PrivateRag.Web.Components.Shared;

/// <summary>Decides which URLs the UI may link to or redirect to: only addresses inside this app.</summary>
public static class UrlSafety
{
    /// <summary>
    /// True for a relative reference that stays on this site (<c>docs/a</c>, <c>/x?y</c>, <c>#p2</c>); false for
    /// anything with a scheme (<c>https:</c>, <c>javascript:</c>, <c>data:</c>), protocol-relative (<c>//host</c>),
    /// backslash tricks or control characters that browsers would strip.
    /// </summary>
    public static bool IsAppRelative(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return false;
        var u = url.Trim();
        foreach (var c in u)
        {
            if (char.IsControl(c) || c == '\\') return false;
        }
        if (u.StartsWith("//", StringComparison.Ordinal)) return false;
        var colon = u.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var delimiter = u.IndexOfAny(['/', '?', '#']);
            if (delimiter < 0 || colon < delimiter) return false; // a scheme
        }
        return Uri.TryCreate(u, UriKind.Relative, out _);
    }

    /// <summary>A path on this site to send the browser to after sign-in; anything else (open redirect) is refused.</summary>
    public static bool IsLocalRedirect(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && IsAppRelative(url);

    /// <summary>The local <paramref name="returnUrl"/>, or <c>/</c> when it is missing or points elsewhere.</summary>
    public static string LocalRedirectOrHome(string? returnUrl) => IsLocalRedirect(returnUrl) ? returnUrl! : "/";
}
