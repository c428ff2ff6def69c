using PrivateRag.Core;
using PrivateRag.Core.Telemetry;
using PrivateRag.Inference;
using PrivateRag.Ingest;
using PrivateRag.Web;
using PrivateRag.Web.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagCore();        // store, blobs, index, retrieval, answering, accounts
builder.AddPrivateRagIngestion();   // readers, chunking, pipeline, in-process workers
builder.AddPrivateRagInference();   // IChatClient / IEmbeddingGenerator when models are configured
builder.AddPrivateRagWeb();         // sign-in, policies, UI, errors, health
builder.AddPrivateRagTelemetry();   // OpenTelemetry: OTLP and/or Prometheus when configured

var app = builder.Build();
app.UsePrivateRagTelemetry(app.Configuration);
app.UsePrivateRagWeb();
app.MapPrivateRagHealth();
app.MapCollectionsApi();
app.MapDocumentsApi();
app.MapSearchApi();
app.MapChatApi();
app.MapConversationsApi();
app.MapAccountsApi();
app.MapSourcesApi();
app.MapAnalyticsApi();
app.MapEvaluationApi();
app.MapPrivateRagUi();
app.Run();

namespace PrivateRag.Web
{
    /// <summary>Marks this assembly for WebApplicationFactory.</summary>
    public sealed class WebEntryPoint;
}
