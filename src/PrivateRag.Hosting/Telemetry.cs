using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PrivateRag.Core.Configuration;
using PrivateRag.Core.Operations;

namespace PrivateRag.Hosting;

public static class TelemetryExtensions
{
    /// <summary>OpenTelemetry traces, metrics and logs for any PrivateRag host, exported as configured.</summary>
    public static IHostApplicationBuilder AddPrivateRagTelemetry(this IHostApplicationBuilder builder)
    {
        // Which exporters exist is decided now, from the validated section; the same values are the app's options.
        var options = builder.Configuration.GetValidated<TelemetryOptions>(TelemetryOptions.Section);
        builder.Services.AddOptions<TelemetryOptions>().Bind(builder.Configuration.GetSection(TelemetryOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
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
    public static IApplicationBuilder UsePrivateRagTelemetry(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
        return app;
    }
}
