using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PrivateRag.Core.Operations;

namespace PrivateRag.Hosting;

public static class TelemetryExtensions
{
    /// <summary>OpenTelemetry traces, metrics and logs for any PrivateRag host, exported as configured.</summary>
    public static IHostApplicationBuilder AddPrivateRagTelemetry(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().Bind(builder.Configuration.GetSection(TelemetryOptions.Section));
        if (options.OtlpEndpoint is null && !options.Prometheus) return builder;

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName ?? builder.Environment.ApplicationName))
            .WithMetrics(m =>
            {
                m.AddMeter(PrivateRagTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (options.Prometheus) m.AddPrometheusExporter();
            })
            .WithTracing(t => t.AddSource(PrivateRagTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation());
        if (options.OtlpEndpoint is { } endpoint)
        {
            otel.WithLogging(configureBuilder: null, configureOptions: l => { l.IncludeFormattedMessage = true; l.IncludeScopes = true; });
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, endpoint);
        }
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> when the Prometheus exporter is on.</summary>
    public static IApplicationBuilder UsePrivateRagTelemetry(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.Prometheus == true)
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
        return app;
    }
}
