using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using PrivateRag.Tests;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Operations;

/// <summary>
/// The scale-out shape on one machine: the web app on PostgreSQL with no in-process workers, and a separate
/// PrivateRag.Ingest process draining the same queue.
/// </summary>
public sealed class ScaleOutTests
{
    [PostgreSqlFact]
    public async Task With_postgresql_and_a_standalone_worker_an_upload_is_indexed_and_answered_with_a_citation()
    {
        var database = new NpgsqlConnectionStringBuilder(PostgreSql.ConnectionString!) { Database = "privaterag_scaleout_" + Guid.NewGuid().ToString("N")[..10] }.ConnectionString;
        var dataPath = PrivateRagAppFactory.NewDataPath();
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = "PostgreSql",
            ["Store:ConnectionString"] = database,
            ["Ingestion:Workers"] = "0",
        };
        Process? worker = null;
        try
        {
            await using var app = new PrivateRagAppFactory(settings, dataPath);
            var client = app.CreateClientWithKey();
            var collection = await client.CreateCollectionAsync("scale", new { everyone = true });

            worker = StartWorker(dataPath, database);
            var uploaded = await client.UploadAsync(collection, ("fleet.md", Encoding.UTF8.GetBytes(
                "# Fleet\n\nCompany cars are replaced after five years or 150,000 kilometres, whichever comes first.\n")));
            var document = await client.WaitForDocumentAsync(uploaded[0].GetProperty("id").GetGuid());
            Assert.True(document.GetProperty("status").GetString() == "indexed", $"status {document}; worker output:\n{await DrainAsync(worker)}");

            var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "When are company cars replaced?" }) };
            request.Headers.Accept.ParseAdd("application/json");
            var answer = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            var citation = answer.GetProperty("citations")[0];
            Assert.Equal("fleet.md", citation.GetProperty("documentName").GetString());
            Assert.Contains("five years", answer.GetProperty("answer").GetString());
        }
        finally
        {
            if (worker is { HasExited: false }) worker.Kill(entireProcessTree: true);
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgreSql.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static Process StartWorker(string dataPath, string connectionString)
    {
        var dll = HostBuildOutput.AssemblyPath("PrivateRag.Ingest.Worker");
        Assert.True(File.Exists(dll), $"The worker {dll} was not built.");
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            // Its own bin folder is its content root (appsettings.json).
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["PrivateRag__DataPath"] = dataPath;
        start.Environment["Store__Provider"] = "PostgreSql";
        start.Environment["Store__ConnectionString"] = connectionString;
        start.Environment["Ingestion__Workers"] = "1";
        start.Environment["Ingestion__PollInterval"] = "00:00:00.200";
        return Process.Start(start)!;
    }

    private static async Task<string> DrainAsync(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        return await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
    }
}
