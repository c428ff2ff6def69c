using PrivateRag.Core.Collections;

namespace PrivateRag.Web.Components.Shared;

/// <summary>Reads and writes a collection's readers as people type and read them.</summary>
public static class AccessText
{
    public static string Describe(CollectionAccessRule access)
    {
        if (access.Everyone) return "Everyone";
        var parts = new List<string>();
        if (access.Groups is { Count: > 0 } groups) parts.Add("Groups: " + string.Join(", ", groups));
        if (access.Users is { Count: > 0 } users) parts.Add("Users: " + string.Join(", ", users));
        return parts.Count == 0 ? "Administrators only" : string.Join("; ", parts);
    }

    /// <summary>"a, b,,c " -> [a, b, c]; duplicates removed.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
}
