using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Documents;

public enum DocumentStatus { Queued, Processing, Indexed, Failed }

/// <summary>Why a document could not be indexed; stored and shown to admins as it is.</summary>
public enum RejectReason { None, Unsupported, Encrypted, Corrupt, TooLarge, TimedOut, NoText, Internal }

/// <summary>One uploaded file in one collection. The same bytes in the same collection are one document.</summary>
public sealed class Document
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CollectionId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-case hex SHA-256 of the bytes; also the blob's address.</summary>
    public required string ContentHash { get; set; }
    public required string MediaType { get; set; }
    public long SizeBytes { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Queued;
    /// <summary>Current pipeline stage while processing (extract, chunk, embed, index).</summary>
    public string? Stage { get; set; }
    /// <summary>0..1 within the current stage.</summary>
    public double Progress { get; set; }
    public RejectReason FailureReason { get; set; }
    public string? Error { get; set; }
    public int Pages { get; set; }
    public int Chunks { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// The document narrows its collection's access: only the users and groups in <see cref="Grants"/> (who must also
    /// be able to read the collection) see it. False: everyone who reads the collection reads the document.
    /// </summary>
    public bool AccessRestricted { get; set; }

    /// <summary>The source that brought the document in (null: uploaded); the source's sync removes it when its file is gone.</summary>
    public Guid? SourceId { get; set; }

    public List<DocumentGrant> Grants { get; set; } = [];
}

/// <summary>One user or group a narrowed document is readable by.</summary>
public sealed class DocumentGrant
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid DocumentId { get; set; }
    public GrantKind Kind { get; set; }
    /// <summary>Group name (or Entra group object id) or user name, as in <see cref="CollectionGrant"/>.</summary>
    public required string Principal { get; set; }
}
