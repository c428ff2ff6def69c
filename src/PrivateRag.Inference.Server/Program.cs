using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Inference.Server;

// The model host on its own (scale-out, GPU nodes): the configured models (Models:Chat / Models:Embedding) behind an
// OpenAI-compatible API (/v1/...) that takes API keys from Inference:ApiKeys.
var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagDefaults();        // telemetry, health
builder.AddPrivateRagInference();
builder.AddPrivateRagInferenceServer(); // models loaded at start; ready when they are

var app = builder.Build();
app.UseRateLimiter();                   // per API key (Inference:Server:RequestsPerMinutePerKey)
app.MapPrivateRagDefaults();
app.MapOpenAiApi();
app.Run();
