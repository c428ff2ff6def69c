namespace PrivateRag.Core.Access;

/// <summary>
/// Who is asking, resolved per request: a stable subject, the role and the current groups.
/// Groups are read from the store on every request so a removed membership takes effect at once.
/// </summary>
public sealed record AccessContext(string Subject, string DisplayName, bool IsAdmin, IReadOnlySet<string> Groups)
{
    /// <summary>The CLI and background work on the operator's own machine.</summary>
    public static AccessContext System { get; } = new("system", "system", IsAdmin: true, new HashSet<string>());
}
