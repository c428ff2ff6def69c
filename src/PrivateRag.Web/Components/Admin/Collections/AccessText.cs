using PrivateRag.Core.Collections;

namespace PrivateRag.Web.Components.Admin.Collections;

/// <summary>Reads and writes a collection's readers as people type and read them.</summary>
public static class AccessText
{
    public static string Describe(CollectionAccessRule access, PrivateRag.Web.Resources.UiText? text = null)
    {
        var l = text ?? PrivateRag.Web.Resources.UiText.Default;
        if (access.Everyone) return l["Everyone"];
        var parts = new List<string>();
        if (access.Groups is { Count: > 0 } groups) parts.Add(l["GroupsList", string.Join(", ", groups)]);
        if (access.Users is { Count: > 0 } users) parts.Add(l["UsersList", string.Join(", ", users)]);
        return parts.Count == 0 ? l["AdministratorsOnly"] : string.Join("; ", parts);
    }

    /// <summary>"a, b,,c " -> [a, b, c]; duplicates removed.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
}
