using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Collections;

public sealed class CollectionService(IDbContextFactory<PrivateRagDbContext> dbFactory, IAuditLog? audit = null)
{
    public async Task<IReadOnlyList<CollectionSummary>> ListReadableAsync(AccessContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Counts cover the documents the caller may read: a narrowed document is not disclosed even as a number.
        var documents = CollectionAccess.ReadableDocuments(db, who);
        var rows = await CollectionAccess.ReadableQuery(db, who)
            .OrderBy(c => c.Name)
            .Select(c => new
            {
                Collection = c,
                Grants = c.Grants.ToList(),
                Documents = documents.Count(d => d.CollectionId == c.Id),
                Chunks = documents.Where(d => d.CollectionId == c.Id).Sum(d => (int?)d.Chunks) ?? 0,
            })
            .ToListAsync(ct);
        return rows.Select(r => ToSummary(r.Collection, r.Grants, r.Documents, r.Chunks)).ToList();
    }

    public async Task<CollectionSummary?> FindReadableAsync(Guid id, AccessContext who, CancellationToken ct = default) =>
        (await ListReadableAsync(who, ct)).FirstOrDefault(c => c.Id == id);

    /// <summary>Finds by name regardless of access: for the operator's CLI only.</summary>
    public async Task<Collection?> FindByNameAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Collections.Include(c => c.Grants).FirstOrDefaultAsync(c => c.Name == name, ct);
    }

    public async Task<Collection> CreateAsync(CreateCollection request, CancellationToken ct = default)
    {
        var name = ValidName(request.Name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Collections.AnyAsync(c => c.Name == name, ct))
            throw new ConflictException($"A collection named '{name}' already exists.");
        var collection = new Collection { Name = name, Description = request.Description?.Trim() };
        ApplyAccess(collection, request.Access);
        db.Collections.Add(collection);
        await db.SaveChangesAsync(ct);
        if (audit is not null) await audit.RecordAsync(AuditEntry.AccessChange(null, collection.Id, request.Access), ct);
        return collection;
    }

    public Task<Collection> UpdateAccessAsync(Guid id, CollectionAccessRule access, CancellationToken ct = default) =>
        UpdateAccessAsync(id, access, who: null, ct);

    /// <summary>
    /// Replaces who may read the collection. <paramref name="who"/> names the actor in the audit log; null means the
    /// current HTTP caller (a Blazor circuit has no current request, so the admin pages pass themselves).
    /// </summary>
    public async Task<Collection> UpdateAccessAsync(Guid id, CollectionAccessRule access, AccessContext? who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var collection = await db.Collections.Include(c => c.Grants).FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException($"Collection {id} was not found.");
        db.CollectionGrants.RemoveRange(collection.Grants);
        collection.Grants.Clear();
        ApplyAccess(collection, access);
        // Added explicitly: a new grant found through the navigation has its Guid key set already, so change
        // tracking would take it for an existing row and update nothing.
        db.CollectionGrants.AddRange(collection.Grants);
        await db.SaveChangesAsync(ct);
        if (audit is not null) await audit.RecordAsync(AuditEntry.AccessChange(who, id, access), ct);
        return collection;
    }

    /// <summary>Renames a collection and sets its description (empty clears it).</summary>
    public async Task<Collection> UpdateDetailsAsync(Guid id, string? name, string? description, CancellationToken ct = default)
    {
        var trimmed = ValidName(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var collection = await db.Collections.FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException($"Collection {id} was not found.");
        if (await db.Collections.AnyAsync(c => c.Name == trimmed && c.Id != id, ct))
            throw new ConflictException($"A collection named '{trimmed}' already exists.");
        collection.Name = trimmed;
        collection.Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        await db.SaveChangesAsync(ct);
        return collection;
    }

    private static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 200) throw new InvalidRequestException("A collection needs a name of 1 to 200 characters.");
        return trimmed;
    }

    private static void ApplyAccess(Collection collection, CollectionAccessRule? access)
    {
        collection.Everyone = access?.Everyone ?? false;
        foreach (var group in Distinct(access?.Groups))
            collection.Grants.Add(new CollectionGrant { CollectionId = collection.Id, Kind = GrantKind.Group, Principal = group });
        foreach (var user in Distinct(access?.Users))
            collection.Grants.Add(new CollectionGrant { CollectionId = collection.Id, Kind = GrantKind.User, Principal = user });
    }

    private static IEnumerable<string> Distinct(IReadOnlyList<string>? values) =>
        (values ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal);

    private static CollectionSummary ToSummary(Collection c, List<CollectionGrant> grants, int documents, int chunks) => new(
        c.Id, c.Name, c.Description,
        new CollectionAccessRule(c.Everyone,
            grants.Where(g => g.Kind == GrantKind.Group).Select(g => g.Principal).Order().ToList(),
            grants.Where(g => g.Kind == GrantKind.User).Select(g => g.Principal).Order().ToList()),
        documents, chunks, c.CreatedAt);
}
