using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Collections;

/// <summary>Users and groups an access rule can name: local accounts and their groups, and every name already granted.</summary>
public sealed record Principals(IReadOnlyList<string> Users, IReadOnlyList<string> Groups);

/// <summary>
/// The names the access editor suggests. Grants are included so that Entra groups and users (not local accounts)
/// granted once are offered again.
/// </summary>
public sealed class KnownPrincipals(IDbContextFactory<PrivateRagDbContext> dbFactory)
{
    public async Task<Principals> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().Select(u => u.UserName).ToListAsync(ct);
        var groups = await db.UserGroups.AsNoTracking().Select(g => g.Group).Distinct().ToListAsync(ct);
        var grants = await db.CollectionGrants.AsNoTracking().Select(g => new { g.Kind, g.Principal }).Distinct().ToListAsync(ct);
        return new Principals(
            Sorted(users.Concat(grants.Where(g => g.Kind == GrantKind.User).Select(g => g.Principal))),
            Sorted(groups.Concat(grants.Where(g => g.Kind == GrantKind.Group).Select(g => g.Principal))));
    }

    private static List<string> Sorted(IEnumerable<string> names) =>
        names.Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToList();
}
