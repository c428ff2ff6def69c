using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace PrivateRag.Web.Tests.Api;

/// <summary>The real app on a temporary data folder, with a bootstrap admin key and optional extra settings.</summary>
public sealed class PrivateRagAppFactory(IDictionary<string, string?>? settings = null, string? dataPath = null) : WebApplicationFactory<WebEntryPoint>
{
    public const string AdminKey = "test-admin-key-0123456789";

    public string DataPath { get; } = dataPath ?? NewDataPath();

    public static string NewDataPath() => Path.Combine(Path.GetTempPath(), "privaterag-web-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("PrivateRag:DataPath", DataPath);
        builder.UseSetting("PRIVATERAG_BOOTSTRAP_ADMIN_KEY", AdminKey);
        builder.UseSetting("Ingestion:PollInterval", "00:00:00.200");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    public HttpClient CreateClientWithKey(string key = AdminKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
