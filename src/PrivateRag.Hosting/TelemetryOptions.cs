using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Hosting;

/// <summary>
/// The <c>Telemetry</c> section: where traces, metrics and logs go. Nothing is exported by default. Read when services
/// are registered (it decides which exporters exist), and validated then.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP collector (e.g. http://otel-collector:4317); traces, metrics and logs are sent there.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Serves metrics for Prometheus to scrape at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The service name reported to the backend (defaults to the host's application name).</summary>
    public string? ServiceName { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A relative or non-HTTP address binds as a Uri but the exporter cannot reach it: say so at start.
        if (OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
            yield return new ValidationResult(
                $"Telemetry:OtlpEndpoint '{endpoint}' is not an absolute http(s) address (e.g. http://otel-collector:4317).", [nameof(OtlpEndpoint)]);
        if (ServiceName is { } name && string.IsNullOrWhiteSpace(name))
            yield return new ValidationResult("Telemetry:ServiceName is empty; remove it to use the application's name.", [nameof(ServiceName)]);
    }
}
