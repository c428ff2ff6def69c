using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivateRag.Core;
using PrivateRag.Core.Storage;
using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Ingest;

namespace PrivateRag.Cli;

/// <summary>
/// The services the app has, on the same data folder and configuration (appsettings.json in the working directory,
/// PrivateRag__* environment variables, <c>--data</c>), without the web server.
/// </summary>
public static class CliHost
{
    public static async Task<IHost> StartAsync(string? dataPath, bool verbose, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        if (dataPath is not null)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["PrivateRag:DataPath"] = Path.GetFullPath(dataPath) });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // stdout carries results (and JSON); logs go to stderr.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // The model bridges, not the rest of the host defaults: the CLI serves no health or metrics, and its start-up is
        // the migration below, before any command runs.
        builder.Services.AddPrivateRagModelBridges();
        builder.AddPrivateRagCore();
        builder.AddPrivateRagIngestion(runWorkers: false);
        builder.AddPrivateRagInference();
        var host = builder.Build();
        await host.Services.GetRequiredService<StoreMigrator>().MigrateAsync(ct);
        return host;
    }
}
