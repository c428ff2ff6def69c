using PrivateRag.Inference;
using PrivateRag.Inference.Server;

// The model host on its own (scale-out): the configured models (Models:Chat / Models:Embedding) behind an
// OpenAI-compatible API (/v1/...) that takes API keys from Inference:ApiKeys.
var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagInference();
builder.AddPrivateRagInferenceServer();

var app = builder.Build();
app.MapInferenceHealth();
app.MapOpenAiApi();
app.Run();
