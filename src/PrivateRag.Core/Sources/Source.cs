namespace PrivateRag.Core.Sources;

public enum SourceKind { Folder }

public enum SourceState { Idle, Running, Failed }

/// <summary>
/// Where a collection's documents come from besides uploads: a folder (a local path or a mounted share) that is synced
/// on a schedule and on demand. Each run's figures and progress are kept on the row, so the admin console and the API
/// can show the last run, the running one and the next.
/// </summary>
public sealed class Source
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CollectionId { get; set; }
    public SourceKind Kind { get; set; } = SourceKind.Folder;
    /// <summary>The folder's absolute path.</summary>
    public required string Location { get; set; }
    /// <summary>Glob patterns, one per line; a file must match one (none: every supported file).</summary>
    public string? Include { get; set; }
    /// <summary>Glob patterns, one per line; a file matching one is left out.</summary>
    public string? Exclude { get; set; }
    /// <summary>Files larger than this are not ingested (counted as failed, with the reason).</summary>
    public long MaxFileBytes { get; set; }
    /// <summary>Minutes between scheduled runs; 0: only on demand.</summary>
    public int IntervalMinutes { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public SourceState State { get; set; } = SourceState.Idle;
    public DateTimeOffset? LastRunStartedAt { get; set; }
    public DateTimeOffset? LastRunFinishedAt { get; set; }
    public DateTimeOffset? NextRunAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Who runs it now ("host:pid:run"), so two workers never sync one source at once and a dead process's claim is taken over.</summary>
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Figures of the last (or the running) run.</summary>
    public int Seen { get; set; }
    public int Added { get; set; }
    public int Changed { get; set; }
    public int Renamed { get; set; }
    public int Removed { get; set; }
    public int Unchanged { get; set; }
    public int Failed { get; set; }
    public int ProgressDone { get; set; }
    public int ProgressTotal { get; set; }
}

/// <summary>
/// One file a source has ingested: its path relative to the source's folder, the document holding it, and what the file
/// looked like (hash, size, modification time) so an unchanged file costs one stat, and a moved one is recognised by hash.
/// </summary>
public sealed class SourceItem
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SourceId { get; set; }
    /// <summary>Relative path with '/' separators.</summary>
    public required string Path { get; set; }
    public Guid DocumentId { get; set; }
    public required string ContentHash { get; set; }
    public long SizeBytes { get; set; }
    public long ModifiedTicks { get; set; }
}
