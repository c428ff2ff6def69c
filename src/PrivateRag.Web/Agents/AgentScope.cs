using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;

namespace PrivateRag.Web.Agents;

/// <summary>
/// Which collections an agent's call covers: one readable collection named by its name or id, or every readable one
/// for "all" (or nothing given). Read from the store on every call, so a grant removed a moment ago no longer counts.
/// </summary>
public static class AgentScope
{
    /// <summary>The name that stands for every collection the caller may read (an OpenAI "model", an MCP argument).</summary>
    public const string All = "all";

    /// <summary>The collections, or null when <paramref name="collection"/> names none the caller may read.</summary>
    public static async Task<IReadOnlyList<CollectionSummary>?> ResolveAsync(
        CollectionService collections, AccessContext who, string? collection, CancellationToken ct)
    {
        var readable = await collections.ListReadableAsync(who, ct);
        var wanted = collection?.Trim();
        if (string.IsNullOrEmpty(wanted) || wanted.Equals(All, StringComparison.OrdinalIgnoreCase)) return readable;
        // A collection the caller may not read is the same as one that does not exist: nothing is disclosed.
        var match = Guid.TryParse(wanted, out var id)
            ? readable.FirstOrDefault(c => c.Id == id)
            : readable.FirstOrDefault(c => c.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : [match];
    }
}
