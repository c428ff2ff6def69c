using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Documents;

public enum JobState { Pending, Leased, Done, Failed }

/// <summary>A unit of ingestion work, leased by one worker at a time; an expired lease makes it available again.</summary>
public sealed class IngestionJob
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid DocumentId { get; set; }
    public JobState State { get; set; } = JobState.Pending;
    public int Attempts { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset AvailableAt { get; set; } = DateTimeOffset.UtcNow;
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Queuing a document: a job row written in the caller's unit of work, so the document's new state and its job are
/// saved together. Draining the queue (leases, retries) is the ingestion pipeline's (PrivateRag.Ingest's IngestionQueue).
/// </summary>
public static class IngestionJobs
{
    /// <summary>Adds a pending job unless one is already pending or leased for the document.</summary>
    public static async Task EnqueueAsync(PrivateRagDbContext db, Guid documentId, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.IngestionJobs.AnyAsync(j => j.DocumentId == documentId && (j.State == JobState.Pending || j.State == JobState.Leased), ct);
        if (!open) db.IngestionJobs.Add(new IngestionJob { DocumentId = documentId, AvailableAt = now });
    }
}
