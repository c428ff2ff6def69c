using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;
using Document = PrivateRag.Core.Documents.Document;

namespace PrivateRag.Core.Access;

/// <summary>
/// The one place that decides which collections and documents a caller may read. Every search, answer, citation,
/// listing and download asks here and passes the result into the index query. A document may narrow its collection's
/// access (<see cref="Document.AccessRestricted"/>): then it is readable by a caller who reads the collection AND is
/// one of the document's users or in one of its groups; admins read everything.
/// </summary>
public sealed class CollectionAccess(IDbContextFactory<PrivateRagDbContext> dbFactory)
{
    /// <summary>Ids of the collections the caller may read (admins read all).</summary>
    public async Task<IReadOnlyList<Guid>> ReadableIdsAsync(AccessContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadableQuery(db, who).Select(c => c.Id).ToListAsync(ct);
    }

    /// <summary>The requested collections narrowed to the readable ones; null or empty means "all I may read".</summary>
    public async Task<IReadOnlyList<Guid>> ScopeAsync(AccessContext who, IReadOnlyCollection<Guid>? requested, CancellationToken ct = default)
    {
        var readable = await ReadableIdsAsync(who, ct);
        if (requested is null || requested.Count == 0) return readable;
        var set = requested.ToHashSet();
        return readable.Where(set.Contains).ToList();
    }

    /// <summary>
    /// The index filter for a caller: the requested collections narrowed to the readable ones, and the caller's reader
    /// tokens so narrowed documents are filtered inside the index query. Null or empty <paramref name="requested"/>
    /// means "all I may read".
    /// </summary>
    public async Task<IndexFilter> FilterAsync(AccessContext who, IReadOnlyCollection<Guid>? requested, CancellationToken ct = default) =>
        new(await ScopeAsync(who, requested, ct), ReaderTokens.Of(who));

    public async Task<bool> CanReadAsync(AccessContext who, Guid collectionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadableQuery(db, who).AnyAsync(c => c.Id == collectionId, ct);
    }

    /// <summary>The documents the caller may read: in a readable collection, and not narrowed away from the caller.</summary>
    internal static IQueryable<Document> ReadableDocuments(PrivateRagDbContext db, AccessContext who)
    {
        if (who.IsAdmin) return db.Documents;
        var readable = ReadableQuery(db, who).Select(c => c.Id);
        var groups = who.Groups.ToList();
        var user = who.Subject;
        return db.Documents.Where(d => readable.Contains(d.CollectionId) && (!d.AccessRestricted || d.Grants.Any(g =>
            (g.Kind == GrantKind.User && g.Principal == user) || (g.Kind == GrantKind.Group && groups.Contains(g.Principal)))));
    }

    internal static IQueryable<Collection> ReadableQuery(PrivateRagDbContext db, AccessContext who)
    {
        if (who.IsAdmin) return db.Collections;
        var groups = who.Groups.ToList();
        var user = who.Subject;
        return db.Collections.Where(c => c.Everyone || c.Grants.Any(g =>
            (g.Kind == GrantKind.User && g.Principal == user) || (g.Kind == GrantKind.Group && groups.Contains(g.Principal))));
    }
}
