namespace PrivateRag.Core.Collections;

/// <summary>Who may read a collection. Nothing set means only admins.</summary>
public sealed record CollectionAccessRule(bool Everyone = false, IReadOnlyList<string>? Groups = null, IReadOnlyList<string>? Users = null);

public sealed record CreateCollection(string Name, string? Description = null, CollectionAccessRule? Access = null);

public sealed record CollectionSummary(
    Guid Id, string Name, string? Description, CollectionAccessRule Access, int Documents, int Chunks, DateTimeOffset CreatedAt);
