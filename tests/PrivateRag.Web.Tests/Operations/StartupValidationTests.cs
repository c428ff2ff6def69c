using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Operations;

/// <summary>A wrong setting stops the app at start with a message that names the key, whether it is read when services are registered or bound later.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Index:Provider", "Qdrnt", "Index:Provider")]
    [InlineData("Index:Provider", "5", "Index:Provider")]
    [InlineData("Store:Provider", "Oracle", "Store:Provider")]
    [InlineData("Telemetry:OtlpEndpoint", "otel-collector:4317/v1", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:Prometheus", "sometimes", "Telemetry:Prometheus")]
    [InlineData("Ingestion:Chunking:OverlapTokens", "300", "Ingestion:Chunking:OverlapTokens")]
    [InlineData("Ingestion:Chunking:TargetTokens", "0", "TargetTokens")]
    [InlineData("Models:Chat:ContextSize", "large", "Models:Chat:ContextSize")]
    [InlineData("AzureAd:GroupRefreshInterval", "00:00:00", "GroupRefreshInterval")]
    public async Task An_invalid_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("AzureAd:", StringComparison.Ordinal))
        {
            settings["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555";
            settings["AzureAd:ClientId"] = "privaterag-client";
        }
        await using var app = new PrivateRagAppFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }
}
