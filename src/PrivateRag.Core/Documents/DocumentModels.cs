using PrivateRag.Core.Domain;

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
