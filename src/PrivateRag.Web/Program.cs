using PrivateRag.Core;
using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Ingest;
using PrivateRag.Web;
using PrivateRag.Web.Agents;
using PrivateRag.Web.Api;
using PrivateRag.Web.Startup;

var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateRagDefaults();    // telemetry, health, model bridges, start-up tasks
builder.AddPrivateRagCore();        // store, blobs, index, retrieval, answering, accounts
builder.AddPrivateRagIngestion();   // readers, chunking, pipeline, in-process workers
builder.AddPrivateRagInference();   // IChatClient / IEmbeddingGenerator when models are configured
builder.AddPrivateRagWeb();         // sign-in, policies, UI, hardening, background work

var app = builder.Build();
app.UsePrivateRagWeb();
app.MapPrivateRagDefaults();
app.MapCollectionsApi();
app.MapDocumentsApi();
app.MapSearchApi();
app.MapChatApi();
app.MapConversationsApi();
app.MapAccountsApi();
app.MapSourcesApi();
app.MapFolderSourcesApi();
app.MapAnalyticsApi();
app.MapEvaluationApi();
app.MapPrivateRagMcp();
app.MapOpenAiCompatibleApi();
app.MapApiReference();
app.MapPrivateRagUi();
app.Run();

namespace PrivateRag.Web
{
    /// <summary>Marks this assembly for WebApplicationFactory.</summary>
    public sealed class WebEntryPoint;
}
