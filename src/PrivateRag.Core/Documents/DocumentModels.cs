using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Documents;

public sealed record DocumentInfo(
    Guid Id, string Name, Guid CollectionId, DocumentStatus Status, string? Stage, double Progress,
    RejectReason FailureReason, string? Error, int Pages, int Chunks, long SizeBytes, string MediaType,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DocumentInfo From(Document d) => new(
        d.Id, d.Name, d.CollectionId, d.Status, d.Stage, d.Progress, d.FailureReason, d.Error, d.Pages, d.Chunks,
        d.SizeBytes, d.MediaType, d.CreatedAt, d.UpdatedAt);
}

/// <summary>The result of one upload: the document, and whether its bytes were already in the collection.</summary>
public sealed record UploadResult(DocumentInfo Document, bool Duplicate);

/// <summary>
/// One page of a collection's documents: those whose name contains <paramref name="NameContains"/> (any case) and,
/// when given, with that status, newest first.
/// </summary>
public sealed record DocumentQuery(DocumentStatus? Status = null, string? NameContains = null, int Page = 1, int PageSize = 25)
{
    public const int MaxPageSize = 200;
}

/// <summary>A page of documents, how many match in all, and how many of the collection's documents are in each status.</summary>
public sealed record DocumentPage(IReadOnlyList<DocumentInfo> Items, int Total, int Page, int PageSize, IReadOnlyDictionary<DocumentStatus, int> StatusCounts)
{
    public int CountOf(DocumentStatus status) => StatusCounts.TryGetValue(status, out var n) ? n : 0;

    /// <summary>Queued or processing: the page keeps refreshing while there are any.</summary>
    public bool HasActive => CountOf(DocumentStatus.Queued) + CountOf(DocumentStatus.Processing) > 0;
}
