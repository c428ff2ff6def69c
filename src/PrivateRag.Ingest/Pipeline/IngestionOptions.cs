using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Ingest.Pipeline;

/// <summary>The <c>Ingestion</c> section.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>In-process workers in the app; 0 on web nodes when standalone PrivateRag.Ingest workers drain the queue.</summary>
    [Range(0, 64)] public int Workers { get; set; } = 1;

    /// <summary>Attempts before a transient failure becomes permanent.</summary>
    [Range(1, 20)] public int MaxAttempts { get; set; } = 3;

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan PerDocumentTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an idle worker waits before looking at the queue again (uploads wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 100_000)] public int MaxPages { get; set; } = 5000;

    [Range(1, 1024)] public int EmbeddingBatchSize { get; set; } = 16;
}
