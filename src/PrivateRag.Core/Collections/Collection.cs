using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Collections;

/// <summary>A named set of documents with one access rule; the unit of permission.</summary>
public sealed class Collection
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>Everyone who can sign in may read it.</summary>
    public bool Everyone { get; set; }
    public List<CollectionGrant> Grants { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum GrantKind { Group, User }

/// <summary>Read access for one group or one user.</summary>
public sealed class CollectionGrant
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CollectionId { get; set; }
    public GrantKind Kind { get; set; }
    /// <summary>Group name (or Entra group object id) or user name.</summary>
    public required string Principal { get; set; }
}
