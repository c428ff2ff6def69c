using PrivateRag.Core.Collections;

namespace PrivateRag.Core.Access;

/// <summary>
/// The strings a chunk's readers and a caller are compared by, inside the index query: <c>u:NAME</c> for a user (the
/// same subject collection grants name) and <c>g:NAME</c> for a group (or an Entra group object id). A document that
/// narrows its access stores its grants as tokens on every chunk; a caller presents its own.
/// </summary>
public static class ReaderTokens
{
    public const string UserPrefix = "u:";
    public const string GroupPrefix = "g:";

    public static string User(string subject) => UserPrefix + subject;

    public static string Group(string group) => GroupPrefix + group;

    /// <summary>The caller's tokens; null for administrators, who read every document of every collection.</summary>
    public static IReadOnlyCollection<string>? Of(AccessContext who)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (who.IsAdmin) return null;
        var tokens = new List<string>(who.Groups.Count + 1) { User(who.Subject) };
        tokens.AddRange(who.Groups.Select(Group));
        return tokens;
    }

    /// <summary>A document's narrowed readers as tokens (sorted, distinct), or null when the document keeps its collection's access.</summary>
    public static IReadOnlyList<string>? Of(bool restricted, IEnumerable<(GrantKind Kind, string Principal)> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        if (!restricted) return null;
        return grants.Select(g => g.Kind == GrantKind.User ? User(g.Principal) : Group(g.Principal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
