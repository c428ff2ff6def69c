using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Server.Tests;

/// <summary>The inference server in memory, on the tiny model, with two API keys (and optionally services replaced).</summary>
public sealed class InferenceServerFactory(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<InferenceServerEntryPoint>
{
    public const string Key = "test-inference-key-1";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Models:Chat:Path", SharedData.TinyModel);
        builder.UseSetting("Models:Chat:ContextSize", "4096");
        builder.UseSetting("Models:Chat:MaxOutputTokens", "16");
        builder.UseSetting("Inference:Chat:MaxConcurrent", "8");
        builder.UseSetting("Models:Embedding:Path", SharedData.TinyModel);
        builder.UseSetting("Models:Embedding:ContextSize", "256");
        builder.UseSetting("Models:Embedding:BatchSize", "128");
        builder.UseSetting("Inference:ApiKeys:0", "another-key");
        builder.UseSetting("Inference:ApiKeys:1", Key);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureTestServices(services);
    }

    public HttpClient CreateClientWithKey(string? key = Key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
