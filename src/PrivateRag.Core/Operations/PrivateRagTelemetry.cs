using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PrivateRag.Core.Operations;

/// <summary>
/// The app's own traces and metrics. Names follow OpenTelemetry conventions (dotted, unit in the instrument);
/// exported when <c>Telemetry:OtlpEndpoint</c> or <c>Telemetry:Prometheus</c> is set.
/// </summary>
public static class PrivateRagTelemetry
{
    public const string Name = "PrivateRag";

    public static readonly ActivitySource Traces = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Seconds per ingestion stage (tag <c>stage</c>: extract, chunk, embed, index).</summary>
    public static readonly Histogram<double> IngestionStageDuration =
        Meter.CreateHistogram<double>("privaterag.ingestion.stage.duration", "s", "Time spent in one ingestion stage of one document.");

    /// <summary>Documents finished by ingestion (tag <c>status</c>: indexed, failed, retried; <c>reason</c> on failure).</summary>
    public static readonly Counter<long> IngestionDocuments =
        Meter.CreateCounter<long>("privaterag.ingestion.documents", "{document}", "Documents that left ingestion, by outcome.");

    public static readonly Histogram<double> RetrievalDuration =
        Meter.CreateHistogram<double>("privaterag.retrieval.duration", "ms", "Time to retrieve passages for one query.");

    public static readonly Histogram<double> TimeToFirstToken =
        Meter.CreateHistogram<double>("privaterag.chat.time_to_first_token", "ms", "From question received to the first answer text.");

    public static readonly Histogram<double> AnswerDuration =
        Meter.CreateHistogram<double>("privaterag.chat.duration", "ms", "From question received to the complete answer.");

    public static readonly Histogram<double> TokensPerSecond =
        Meter.CreateHistogram<double>("privaterag.chat.tokens_per_second", "{token}/s", "Generation speed of one streamed answer (stream updates per second).");

    public static readonly Counter<long> Errors =
        Meter.CreateCounter<long>("privaterag.errors", "{error}", "Errors by area (tag area: chat, ingestion, http).");

    private static Func<long> _queueDepth = () => 0;

    /// <summary>Jobs pending or leased, as last observed by a worker (no database call at scrape time).</summary>
    public static readonly ObservableGauge<long> QueueDepth =
        Meter.CreateObservableGauge("privaterag.ingestion.queue_depth", () => _queueDepth(), "{job}", "Ingestion jobs waiting or in progress.");

    public static void ReportQueueDepth(long depth) => _queueDepth = () => depth;
}
