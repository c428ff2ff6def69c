using PrivateRag.Inference;

// The model host on its own: loads the configured models (Models:Chat / Models:Embedding) and reports liveness.
var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagInference();

var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }));
app.Run();
