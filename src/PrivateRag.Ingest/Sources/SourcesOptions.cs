using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Ingest.Sources;

/// <summary>Folder sources: where the API may point them, and how the scheduler runs them (section <c>Sources</c>).</summary>
public sealed class SourcesOptions
{
    public const string Section = "Sources";

    /// <summary>
    /// Folders under which the API may add a folder source (an admin could otherwise ingest any file the server can
    /// read). Empty: the API refuses folder sources; the CLI, run by the operator on the machine, may add any folder.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>Runs due sources in the background (where ingestion workers run).</summary>
    public bool Scheduler { get; set; } = true;

    /// <summary>How often the scheduler looks for due sources.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Default size limit of a new source's files.</summary>
    [Range(1, long.MaxValue)] public long DefaultMaxFileBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>How long a run's claim lasts without renewal (a run renews it as it goes); a crashed run's claim expires after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}
