using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Documents;

/// <summary>Uploading, listing, reading and deleting documents, always through the caller's access.</summary>
public sealed class DocumentService(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    IBlobStore blobs,
    IChunkIndex index,
    IngestionSignal signal,
    CollectionAccess access,
    IOptions<UploadOptions> uploadOptions,
    TimeProvider clock,
    ILogger<DocumentService> logger,
    IAuditLog? audit = null)
{
    public bool IsAllowedFile(string fileName) =>
        uploadOptions.Value.AllowedExtensions.Contains(FileFormats.ExtensionOf(fileName));

    /// <summary>
    /// Stores the bytes and queues ingestion. The same bytes in the same collection return the existing document.
    /// Unsupported types are still recorded, as a failed document with the reason, so a bulk upload reports every file.
    /// </summary>
    public async Task<UploadResult> UploadAsync(Guid collectionId, string fileName, Stream content, AccessContext who, CancellationToken ct = default) =>
        await UploadAsync(collectionId, fileName, content, who, sourceId: null, ct);

    /// <summary>As an upload, marking a new document as brought in by <paramref name="sourceId"/> (its sync may remove it).</summary>
    public async Task<UploadResult> UploadAsync(Guid collectionId, string fileName, Stream content, AccessContext who, Guid? sourceId, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can upload documents.");
        var name = CleanName(fileName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Collections.AnyAsync(c => c.Id == collectionId, ct))
            throw new NotFoundException($"Collection {collectionId} was not found.");

        var limit = uploadOptions.Value.MaxFileBytes;
        await using var limited = new LengthLimitedStream(content, limit);
        StoredBlob blob;
        try
        {
            blob = await blobs.PutAsync(limited, ct);
        }
        catch (PayloadTooLargeException)
        {
            throw new PayloadTooLargeException($"'{name}' is larger than the upload limit of {limit / (1024 * 1024)} MB (Uploads:MaxFileBytes).");
        }

        var existing = await db.Documents.FirstOrDefaultAsync(d => d.CollectionId == collectionId && d.ContentHash == blob.Hash, ct);
        if (existing is not null)
        {
            if (audit is not null) await audit.RecordAsync(AuditEntry.Upload(who, collectionId, existing.Id, name, duplicate: true), ct);
            return new UploadResult(DocumentInfo.From(existing), Duplicate: true);
        }

        var document = new Document
        {
            CollectionId = collectionId,
            Name = name,
            ContentHash = blob.Hash,
            MediaType = FileFormats.MediaTypeOf(name),
            SizeBytes = blob.Length,
            CreatedAt = clock.GetUtcNow(),
            UpdatedAt = clock.GetUtcNow(),
            SourceId = sourceId,
        };
        if (!IsAllowedFile(name))
        {
            document.Status = DocumentStatus.Failed;
            document.FailureReason = RejectReason.Unsupported;
            document.Error = $"Files of type '{Path.GetExtension(name)}' are not supported; supported: {string.Join(", ", uploadOptions.Value.AllowedExtensions)}.";
        }
        db.Documents.Add(document);
        if (document.Status == DocumentStatus.Queued) await IngestionJobs.EnqueueAsync(db, document.Id, clock.GetUtcNow(), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent upload of the same bytes won the unique index: report its document.
            if (await FindByHashAsync(collectionId, blob.Hash, ct) is { } raced) return new UploadResult(DocumentInfo.From(raced), Duplicate: true);
            throw;
        }
        if (document.Status == DocumentStatus.Queued) signal.Notify();
        logger.LogInformation("Document {DocumentId} ({Name}, {Bytes} bytes) uploaded to collection {CollectionId}", document.Id, name, blob.Length, collectionId);
        if (audit is not null) await audit.RecordAsync(AuditEntry.Upload(who, collectionId, document.Id, name), ct);
        return new UploadResult(DocumentInfo.From(document), Duplicate: false);
    }

    public async Task<DocumentInfo?> FindReadableAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await CollectionAccess.ReadableDocuments(db, who).AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        return doc is null ? null : DocumentInfo.From(doc);
    }

    public async Task<IReadOnlyList<DocumentInfo>> ListAsync(Guid collectionId, AccessContext who, CancellationToken ct = default)
    {
        if (!await access.CanReadAsync(who, collectionId, ct)) throw new NotFoundException($"Collection {collectionId} was not found.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var docs = await CollectionAccess.ReadableDocuments(db, who).AsNoTracking().Where(d => d.CollectionId == collectionId).ToListAsync(ct);
        return docs.OrderByDescending(d => d.CreatedAt).Select(DocumentInfo.From).ToList();
    }

    /// <summary>One page of a readable collection's documents, filtered by status and name, with the counts per status.</summary>
    public async Task<DocumentPage> QueryAsync(Guid collectionId, DocumentQuery query, AccessContext who, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!await access.CanReadAsync(who, collectionId, ct)) throw new NotFoundException($"Collection {collectionId} was not found.");
        var size = Math.Clamp(query.PageSize, 1, DocumentQuery.MaxPageSize);
        var page = Math.Max(1, query.Page);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = CollectionAccess.ReadableDocuments(db, who).AsNoTracking().Where(d => d.CollectionId == collectionId);
        var counts = await all.GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        var matching = all;
        if (query.Status is { } status) matching = matching.Where(d => d.Status == status);
        if (query.NameContains?.Trim() is { Length: > 0 } term)
        {
            var lower = term.ToLowerInvariant();
#pragma warning disable CA1862, CA1304, CA1311 // translated to SQL lower(): the store compares, not .NET's culture
            matching = matching.Where(d => d.Name.ToLower().Contains(lower));
#pragma warning restore CA1862, CA1304, CA1311
        }
        var total = await matching.CountAsync(ct);
        var items = await matching.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Name).ThenBy(d => d.Id)
            .Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new DocumentPage(items.Select(DocumentInfo.From).ToList(), total, page, size, counts);
    }

    /// <summary>The documents of a readable collection with these ids (unknown ids and other collections' documents are left out).</summary>
    public async Task<IReadOnlyList<DocumentInfo>> FindManyAsync(Guid collectionId, IReadOnlyCollection<Guid> ids, AccessContext who, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return [];
        if (!await access.CanReadAsync(who, collectionId, ct)) throw new NotFoundException($"Collection {collectionId} was not found.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = new List<DocumentInfo>(ids.Count);
        foreach (var batch in ids.Distinct().Chunk(500))
        {
            var docs = await CollectionAccess.ReadableDocuments(db, who).AsNoTracking()
                .Where(d => d.CollectionId == collectionId && batch.Contains(d.Id)).ToListAsync(ct);
            found.AddRange(docs.Select(DocumentInfo.From));
        }
        return found;
    }

    /// <summary>Queues every failed document of the collection again (those of a refused type stay failed); returns how many.</summary>
    public async Task<int> RetryFailedAsync(Guid collectionId, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can re-index documents.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var failed = await db.Documents.Where(d => d.CollectionId == collectionId && d.Status == DocumentStatus.Failed).Select(d => d.Id).ToListAsync(ct);
        var queued = 0;
        foreach (var id in failed)
        {
            if ((await ReindexAsync(id, who, ct)).Status == DocumentStatus.Queued) queued++;
        }
        return queued;
    }

    /// <summary>Opens the original bytes of a readable document.</summary>
    public async Task<(DocumentInfo Info, Stream Content)?> OpenReadableAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        if (await FindReadableAsync(id, who, ct) is not { } info) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = await db.Documents.Where(d => d.Id == id).Select(d => d.ContentHash).FirstAsync(ct);
        return blobs.OpenRead(hash) is { } stream ? (info, stream) : null;
    }

    /// <summary>Removes the document, its chunks and, when nothing else refers to them, its bytes.</summary>
    public async Task<bool> DeleteAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can delete documents.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (doc is null) return false;
        // Chunks leave the index first: a crash after this leaves a document row without chunks, which a retry deletes.
        await index.DeleteDocumentAsync(id, ct);
        db.Documents.Remove(doc);
        await db.SaveChangesAsync(ct);
        if (!await db.Documents.AnyAsync(d => d.ContentHash == doc.ContentHash, ct)) blobs.Delete(doc.ContentHash);
        logger.LogInformation("Document {DocumentId} deleted", id);
        if (audit is not null) await audit.RecordAsync(AuditEntry.Deletion(who, "document", id, doc.CollectionId), ct);
        return true;
    }

    /// <summary>Who a document is narrowed to, or null when it keeps its collection's access (admins only; null when not found).</summary>
    public async Task<(DocumentInfo Document, DocumentAccessRule? Access)?> GetAccessAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can see a document's access.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.AsNoTracking().Include(d => d.Grants).FirstOrDefaultAsync(d => d.Id == id, ct);
        return doc is null ? null : (DocumentInfo.From(doc), DocumentAccessRule.Of(doc));
    }

    /// <summary>
    /// Narrows a document to these users and groups (who must also read its collection), or with null lets it keep
    /// its collection's access again. The chunks' readers are updated in the index; nothing is re-embedded.
    /// </summary>
    /// <remarks>
    /// Three steps so a failure half way never opens more than both the old and the new rule allow: the index first gets
    /// the readers both rules share, then the store changes, then the index gets the new readers.
    /// </remarks>
    public async Task<DocumentAccessRule?> SetAccessAsync(Guid id, DocumentAccessRule? access, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can change a document's access.");
        access = access?.Normalised();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.Include(d => d.Grants).FirstOrDefaultAsync(d => d.Id == id, ct)
                  ?? throw new NotFoundException($"Document {id} was not found.");
        var before = DocumentAccessRule.Of(doc)?.ToTokens();
        var after = access?.ToTokens();
        await index.SetDocumentReadersAsync(id, DocumentAccessRule.Intersect(before, after), ct);

        db.DocumentGrants.RemoveRange(doc.Grants);
        doc.Grants.Clear();
        doc.AccessRestricted = access is not null;
        if (access is not null)
        {
            // Added through the set, not the navigation: a new grant with its id already set would be taken for an existing row.
            db.DocumentGrants.AddRange(access.Users.Select(u => new DocumentGrant { DocumentId = id, Kind = Collections.GrantKind.User, Principal = u }));
            db.DocumentGrants.AddRange(access.Groups.Select(g => new DocumentGrant { DocumentId = id, Kind = Collections.GrantKind.Group, Principal = g }));
        }
        doc.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await index.SetDocumentReadersAsync(id, after, ct);

        logger.LogInformation("Document {DocumentId} access {Change}", id, access is null ? "follows its collection" : "narrowed");
        if (audit is not null)
        {
            await audit.RecordAsync(new AuditEntry(AuditKinds.AccessChange, who.Subject, Target: id.ToString(), CollectionIds: [doc.CollectionId],
                Detail: access is null ? "document; inherits collection" : $"document; groups=[{string.Join(", ", access.Groups)}]; users=[{string.Join(", ", access.Users)}]"), ct);
        }
        return access;
    }

    /// <summary>
    /// New bytes for an existing document (a source's file changed): the same id, its access and its citations' links
    /// stay; it is queued to be indexed again. False when another document of the collection already holds these bytes
    /// (the caller then points at that one). The store change and the job are one transaction.
    /// </summary>
    public async Task<bool> ReplaceContentAsync(Guid id, string fileName, Stream content, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can change documents.");
        var name = CleanName(fileName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException($"Document {id} was not found.");
        await using var limited = new LengthLimitedStream(content, uploadOptions.Value.MaxFileBytes);
        var blob = await blobs.PutAsync(limited, ct);
        if (doc.ContentHash == blob.Hash) return true;
        if (await db.Documents.AnyAsync(d => d.CollectionId == doc.CollectionId && d.ContentHash == blob.Hash && d.Id != id, ct)) return false;
        var oldHash = doc.ContentHash;
        doc.ContentHash = blob.Hash;
        doc.SizeBytes = blob.Length;
        doc.Name = name;
        doc.MediaType = FileFormats.MediaTypeOf(name);
        await RequeueAsync(db, doc, ct);
        await db.SaveChangesAsync(ct);
        if (!await db.Documents.AnyAsync(d => d.ContentHash == oldHash, ct)) blobs.Delete(oldHash);
        signal.Notify();
        return true;
    }

    /// <summary>A new name for a document (its file was renamed or moved): the store and the index, nothing re-embedded.</summary>
    public async Task RenameAsync(Guid id, string fileName, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can rename documents.");
        var name = CleanName(fileName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException($"Document {id} was not found.");
        if (doc.Name == name) return;
        doc.Name = name;
        doc.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await index.SetDocumentNameAsync(id, name, ct);
    }

    /// <summary>Back to the queue with a fresh status (a changed file or a re-index): the caller saves.</summary>
    private async Task RequeueAsync(PrivateRagDbContext db, Document doc, CancellationToken ct)
    {
        doc.Status = DocumentStatus.Queued;
        doc.FailureReason = RejectReason.None;
        doc.Error = null;
        doc.Stage = null;
        doc.Progress = 0;
        doc.UpdatedAt = clock.GetUtcNow();
        await IngestionJobs.EnqueueAsync(db, doc.Id, clock.GetUtcNow(), ct);
    }

    /// <summary>Queues a failed or indexed document for ingestion again.</summary>
    public async Task<DocumentInfo> ReindexAsync(Guid id, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can re-index documents.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException($"Document {id} was not found.");
        if (!IsAllowedFile(doc.Name)) return DocumentInfo.From(doc);
        await RequeueAsync(db, doc, ct);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return DocumentInfo.From(doc);
    }

    private async Task<Document?> FindByHashAsync(Guid collectionId, string hash, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.CollectionId == collectionId && d.ContentHash == hash, ct);
    }

    private static string CleanName(string fileName)
    {
        // Browsers and multipart clients may send a path; keep only the file name, never a path to trust.
        var name = Path.GetFileName(fileName.Replace('\\', '/')).Trim();
        if (name.Length == 0) throw new InvalidRequestException("An uploaded file needs a file name.");
        return name.Length > 255 ? name[..255] : name;
    }
}
