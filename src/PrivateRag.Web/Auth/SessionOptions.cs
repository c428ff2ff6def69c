using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Web.Auth;

/// <summary>The <c>Sessions</c> section: how open pages learn that their session has ended.</summary>
public sealed class SessionOptions
{
    public const string Section = "Sessions";

    /// <summary>
    /// How often an open Blazor page (a circuit) checks that its user still exists, is enabled and has the session's
    /// version; a failed check signs the page out. Every action on the page checks as well, so this bounds how long
    /// an idle page keeps showing what it showed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}
