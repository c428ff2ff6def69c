using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Collections;

/// <summary>Deletes a whole collection: its chunks from the index, its documents, jobs and grants, and bytes nothing else uses.</summary>
public sealed class CollectionRemoval(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    IChunkIndex index,
    IBlobStore blobs,
    ILogger<CollectionRemoval> logger,
    IAuditLog? audit = null)
{
    /// <returns>False when there is no such collection.</returns>
    public async Task<bool> DeleteAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can delete collections.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var collection = await db.Collections.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (collection is null) return false;
        var documents = await db.Documents.Where(d => d.CollectionId == id).Select(d => new { d.Id, d.ContentHash }).ToListAsync(ct);

        // Chunks leave the index before the rows: a crash half way leaves documents without chunks (invisible to
        // search, deleted by a retry), never chunks whose collection no longer exists to filter them.
        foreach (var document in documents) await index.DeleteDocumentAsync(document.Id, ct);

        // Documents, their jobs and the grants go with the collection (cascading foreign keys).
        db.Collections.Remove(collection);
        await db.SaveChangesAsync(ct);

        var hashes = documents.Select(d => d.ContentHash).Distinct(StringComparer.Ordinal).ToList();
        foreach (var batch in hashes.Chunk(500))
        {
            var stillUsed = await db.Documents.Where(d => batch.Contains(d.ContentHash)).Select(d => d.ContentHash).Distinct().ToListAsync(ct);
            foreach (var hash in batch.Except(stillUsed, StringComparer.Ordinal)) blobs.Delete(hash);
        }
        logger.LogInformation("Collection {CollectionId} deleted with {Documents} documents", id, documents.Count);
        if (audit is not null) await audit.RecordAsync(AuditEntry.Deletion(who, "collection", id, id), ct);
        return true;
    }
}
