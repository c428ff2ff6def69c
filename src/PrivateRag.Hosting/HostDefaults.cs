using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PrivateRag.Hosting;

/// <summary>What every PrivateRag host has in the same way: telemetry, health, the model bridges and start-up tasks.</summary>
public static class HostDefaults
{
    public static IHostApplicationBuilder AddPrivateRagDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPrivateRagTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddPrivateRagModelBridges();
        builder.Services.AddHostedService<StartupTasks>();
        return builder;
    }

    /// <summary>Health endpoints and, when configured, the Prometheus scrape endpoint.</summary>
    public static WebApplication MapPrivateRagDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UsePrivateRagTelemetry();
        app.MapPrivateRagHealth();
        return app;
    }
}
