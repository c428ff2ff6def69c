using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Extraction;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Pipeline;

/// <summary>
/// Processes one leased job: extract -> chunk -> embed -> index, recording the stage and progress on the document.
/// Chunk ids are deterministic and the index replaces a document's chunks in one step, so running a job twice
/// (after a crash, say) leaves exactly one copy.
/// </summary>
public sealed class IngestionPipeline(
    IDbContextFactory<PrivateRagDbContext> dbFactory,
    IBlobStore blobs,
    IChunkIndex index,
    IngestionQueue queue,
    IDocumentExtractor extractor,
    DocumentChunker chunker,
    ModelCapabilities models,
    IOptions<IngestionOptions> options,
    TimeProvider clock,
    ILogger<IngestionPipeline> logger)
{
    /// <summary>Null when no embedding model is configured: documents are then indexed lexically.</summary>
    private IEmbeddingGenerator<string, Embedding<float>>? Embedder => models.Embedder;

    /// <summary>Leases and processes one job; false when the queue had nothing ready.</summary>
    public async Task<bool> ProcessNextAsync(string workerId, CancellationToken ct)
    {
        var lease = await queue.TryLeaseAsync(workerId, options.Value.LeaseDuration, ct);
        if (lease is null) return false;
        await ProcessAsync(lease, ct);
        return true;
    }

    public async Task ProcessAsync(JobLease lease, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.PerDocumentTimeout);
        var document = await LoadAsync(lease.DocumentId, ct);
        if (document is null)
        {
            await queue.CompleteAsync(lease, ct); // deleted while queued
            return;
        }
        try
        {
            var (pages, chunks) = await RunAsync(lease, document, timeout.Token);
            await UpdateAsync(document.Id, d =>
            {
                d.Status = DocumentStatus.Indexed;
                d.Stage = null;
                d.Progress = 1;
                d.Pages = pages;
                d.Chunks = chunks;
                d.FailureReason = RejectReason.None;
                d.Error = null;
            }, CancellationToken.None);
            await queue.CompleteAsync(lease, CancellationToken.None);
            logger.LogInformation("Indexed document {DocumentId}: {Pages} pages, {Chunks} chunks", document.Id, pages, chunks);
            PrivateRagTelemetry.IngestionDocuments.Add(1, new KeyValuePair<string, object?>("status", "indexed"));
        }
        catch (DocumentRejectedException e)
        {
            await FailAsync(lease, document.Id, e.Reason, e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await FailAsync(lease, document.Id, RejectReason.TimedOut,
                $"Processing took longer than the limit of {options.Value.PerDocumentTimeout.TotalMinutes:0.#} minutes (Ingestion:PerDocumentTimeout).");
        }
        catch (OperationCanceledException)
        {
            // Shutting down: leave the lease to expire so another worker (or this one after restart) resumes the job.
            throw;
        }
        catch (Exception e) when (lease.Attempt < options.Value.MaxAttempts)
        {
            var delay = TimeSpan.FromSeconds(Math.Pow(4, lease.Attempt));
            logger.LogWarning(e, "Document {DocumentId} attempt {Attempt} failed; retrying in {Delay}", document.Id, lease.Attempt, delay);
            await UpdateAsync(document.Id, d => { d.Status = DocumentStatus.Queued; d.Stage = null; d.Error = $"Retrying after: {e.Message}"; }, CancellationToken.None);
            await queue.RetryLaterAsync(lease, e.Message, delay, CancellationToken.None);
            PrivateRagTelemetry.IngestionDocuments.Add(1, new KeyValuePair<string, object?>("status", "retried"));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Document {DocumentId} failed after {Attempts} attempts", document.Id, lease.Attempt);
            await FailAsync(lease, document.Id, RejectReason.Internal, $"Processing failed after {lease.Attempt} attempts: {e.Message}");
        }
    }

    private async Task<(int Pages, int Chunks)> RunAsync(JobLease lease, Document document, CancellationToken ct)
    {
        await SetStageAsync(document.Id, "extract", 0, ct);
        var settings = options.Value;
        if (document.SizeBytes > settings.MaxFileBytes)
        {
            throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The file is {document.SizeBytes / (1024.0 * 1024):0.#} MB; the limit is {settings.MaxFileBytes / (1024.0 * 1024):0.#} MB (Ingestion:MaxFileBytes)."));
        }
        var stage = Stopwatch.GetTimestamp();
        ExtractedDocument extracted;
        await using (var stream = blobs.OpenRead(document.ContentHash)
                     ?? throw new DocumentRejectedException(RejectReason.Corrupt, "The uploaded bytes are missing from the blob store."))
        {
            extracted = await extractor.ExtractAsync(document.Name, stream, settings.ToReadLimits(), ct);
        }

        stage = RecordStage("extract", stage);

        await RenewAsync(lease, ct);
        await SetStageAsync(document.Id, "chunk", 0, ct);
        var drafts = chunker.Chunk(extracted);
        if (drafts.Count == 0)
            throw new DocumentRejectedException(RejectReason.NoText, "The document contains no extractable text.");
        stage = RecordStage("chunk", stage);

        var vectors = await EmbedAsync(lease, document.Id, drafts, ct);
        if (vectors is not null) stage = RecordStage("embed", stage);

        await SetStageAsync(document.Id, "index", 0, ct);
        // A passage deep inside a long document rarely names its subject (a 10-Q's revenue page never says "Apple");
        // the cover does. A single-chunk document already carries its own opening.
        var context = drafts.Count > 1
            ? DocumentContext.From(extracted.Title, extracted.Blocks.Where(b => b.Page == extracted.Blocks[0].Page).Select(b => b.Text))
            : null;
        var readers = await ReadersAsync(document.Id, ct);
        var chunks = drafts.Select((d, i) => new IndexedChunk(
            IndexedChunk.MakeId(document.Id, d.Ordinal), document.Id, document.CollectionId, document.Name, d.Ordinal,
            d.PageStart, d.PageEnd, d.HeadingPath, d.CharStart, d.CharEnd, d.Text, vectors?[i], context, readers, d.Layout)).ToList();
        await index.ReplaceDocumentAsync(document.Id, chunks, ct);
        // The document's access may have changed while it was read and embedded: the chunks get the readers the
        // store holds now (a change that commits after this read also sets the index itself).
        var now = await ReadersAsync(document.Id, ct);
        if (!SameReaders(readers, now)) await index.SetDocumentReadersAsync(document.Id, now, ct);
        RecordStage("index", stage);
        return (extracted.PageCount, chunks.Count);
    }

    private async Task<IReadOnlyList<string>?> ReadersAsync(Guid documentId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.AsNoTracking().Include(d => d.Grants).FirstOrDefaultAsync(d => d.Id == documentId, ct);
        return doc is null ? [] : DocumentAccessRule.Of(doc)?.ToTokens();
    }

    private static bool SameReaders(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);

    private static long RecordStage(string name, long started)
    {
        PrivateRagTelemetry.IngestionStageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("stage", name));
        return Stopwatch.GetTimestamp();
    }

    private async Task<float[][]?> EmbedAsync(JobLease lease, Guid documentId, IReadOnlyList<ChunkDraft> drafts, CancellationToken ct)
    {
        var embedder = Embedder;
        if (embedder is null) return null;
        await SetStageAsync(documentId, "embed", 0, ct);
        var vectors = new float[drafts.Count][];
        var batch = options.Value.EmbeddingBatchSize;
        var generation = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = "document" } };
        for (var i = 0; i < drafts.Count; i += batch)
        {
            var inputs = drafts.Skip(i).Take(batch).Select(d => d.HeadingPath is null ? d.Text : $"{d.HeadingPath}\n{d.Text}").ToList();
            var embeddings = await embedder.GenerateAsync(inputs, generation, ct);
            for (var j = 0; j < embeddings.Count; j++) vectors[i + j] = embeddings[j].Vector.ToArray();
            await SetStageAsync(documentId, "embed", Math.Min(1.0, (i + inputs.Count) / (double)drafts.Count), ct);
            await RenewAsync(lease, ct);
        }
        return vectors;
    }

    private async Task RenewAsync(JobLease lease, CancellationToken ct)
    {
        if (!await queue.RenewAsync(lease, options.Value.LeaseDuration, ct))
            throw new OperationCanceledException("The job's lease was lost to another worker.");
    }

    private async Task FailAsync(JobLease lease, Guid documentId, RejectReason reason, string message)
    {
        PrivateRagTelemetry.IngestionDocuments.Add(1, new KeyValuePair<string, object?>("status", "failed"), new KeyValuePair<string, object?>("reason", reason.ToString()));
        logger.LogWarning("Document {DocumentId} failed ({Reason}): {Message}", documentId, reason, message);
        await UpdateAsync(documentId, d =>
        {
            d.Status = DocumentStatus.Failed;
            d.Stage = null;
            d.FailureReason = reason;
            d.Error = message;
        }, CancellationToken.None);
        // A failed document has no chunks, even if an earlier version had some.
        await index.DeleteDocumentAsync(documentId, CancellationToken.None);
        await queue.FailAsync(lease, message, CancellationToken.None);
    }

    private async Task<Document?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
    }

    private Task SetStageAsync(Guid id, string stage, double progress, CancellationToken ct) => UpdateAsync(id, d =>
    {
        d.Status = DocumentStatus.Processing;
        d.Stage = stage;
        d.Progress = progress;
    }, ct);

    private async Task UpdateAsync(Guid id, Action<Document> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (doc is null) return;
        change(doc);
        doc.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
