using PrivateRag.Core;
using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Ingest;

// A standalone ingestion worker (scale-out): drains the same queue as the app's in-process workers (leases keep them
// apart), and answers /health/live and /health/ready.
var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagDefaults();    // telemetry, health, model bridges, start-up tasks (migrations, dimension check)
builder.AddPrivateRagCore();
builder.AddPrivateRagIngestion();
builder.AddPrivateRagInference();

var app = builder.Build();
app.MapPrivateRagDefaults();
app.Run();
