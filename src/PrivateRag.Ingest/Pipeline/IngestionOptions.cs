using System.ComponentModel.DataAnnotations;
using PrivateRag.Ingest.Extraction;
using PrivateRag.Ingest.Readers;

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

    /// <summary>Where parsers run: <c>Process</c> (a child process per file, default) or <c>InProcess</c>.</summary>
    public ExtractionIsolation Isolation { get; set; } = ExtractionIsolation.Process;

    /// <summary>Wall-clock limit for extracting one file's text; the child process is killed when it is reached.</summary>
    public TimeSpan ExtractionTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Memory one extraction child may use (GC heap limit and working set); above it the file fails as too large.</summary>
    [Range(64, 1_048_576)] public int MaxExtractionMemoryMB { get; set; } = 1536;

    /// <summary>Files larger than this are not parsed.</summary>
    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 200L * 1024 * 1024;

    [Range(1, 100_000)] public int MaxPages { get; set; } = 5000;

    [Range(1, long.MaxValue)] public long MaxExtractedChars { get; set; } = 50_000_000;

    /// <summary>Total uncompressed size of a DOCX/PPTX/XLSX package (ZIP bombs).</summary>
    [Range(1, long.MaxValue)] public long MaxDecompressedBytes { get; set; } = 1L << 30;

    /// <summary>Largest compression ratio of a package entry over 1 MB (ZIP bombs); Office XML is typically 5-30:1.</summary>
    [Range(1, 1_000_000)] public double MaxCompressionRatio { get; set; } = 100;

    [Range(1, 1024)] public int EmbeddingBatchSize { get; set; } = 16;

    public ReadLimits ToReadLimits() => new(MaxPages, MaxExtractedChars, MaxDecompressedBytes, MaxCompressionRatio);
}
