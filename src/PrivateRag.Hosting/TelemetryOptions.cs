using PrivateRag.Core.Retrieval;

namespace PrivateRag.Hosting;

/// <summary>The <c>Telemetry</c> section: where traces, metrics and logs go. Nothing is exported by default.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP collector (e.g. http://otel-collector:4317); traces, metrics and logs are sent there.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Serves metrics for Prometheus to scrape at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The service name reported to the backend (defaults to the host's application name).</summary>
    public string? ServiceName { get; set; }
}
