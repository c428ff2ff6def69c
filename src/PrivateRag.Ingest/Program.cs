using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using PrivateRag.Core;
using PrivateRag.Core.Health;
using PrivateRag.Core.Telemetry;
using PrivateRag.Core.Storage;
using PrivateRag.Inference;
using PrivateRag.Ingest;
using PrivateRag.Ingest.Extraction;

// Hidden mode: parse one file and print its text as JSON (the isolated child process of ChildProcessExtractor).
if (args.Length > 0 && args[0] == ExtractionChild.Verb) return await ExtractionChild.RunAsync(args);

// A standalone ingestion worker: drains the same queue as the app's in-process workers (leases keep them apart).
var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagCore();
builder.AddPrivateRagIngestion();
builder.AddPrivateRagInference();
builder.AddPrivateRagTelemetry();
builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("store-and-index", tags: [ReadinessCheck.Tag]);

var app = builder.Build();
await app.Services.GetRequiredService<StoreMigrator>().MigrateAsync();
app.UsePrivateRagTelemetry(app.Configuration);
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadinessCheck.Tag) });
await app.RunAsync();
return 0;
