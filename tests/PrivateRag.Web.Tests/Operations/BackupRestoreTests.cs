using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Operations;

public sealed class BackupRestoreTests
{
    [Fact]
    public async Task A_backup_taken_during_ingestion_restores_to_a_working_app_with_exactly_one_copy_of_every_chunk()
    {
        var backupFolder = Path.Combine(Path.GetTempPath(), "privaterag-backup-tests", Guid.NewGuid().ToString("N"));
        var restoredFolder = PrivateRagAppFactory.NewDataPath();
        var files = Enumerable.Range(0, 24).Select(i => ($"note-{i:D2}.md", Encoding.UTF8.GetBytes(
            $"# Note {i}\n\n" + string.Join("\n\n", Enumerable.Range(0, 20).Select(p => $"Paragraph {p} of note {i} mentions the lighthouse keeper number {i * 100 + p}.")))))
            .ToArray();

        Guid collection;
        await using (var original = new PrivateRagAppFactory())
        {
            var client = original.CreateClientWithKey();
            collection = await client.CreateCollectionAsync("notes", new { everyone = true });
            await client.UploadAsync(collection, files);
            // Back up while the in-process worker is still busy with the queue.
            var report = await original.Services.GetRequiredService<BackupService>().BackupAsync(backupFolder);
            Assert.Equal(files.Length, report.Documents);
        }

        var restore = new BackupService(Options.Create(new PrivateRagOptions { DataPath = restoredFolder }), Options.Create(new StoreOptions()), NullLogger<BackupService>.Instance);
        var restored = await restore.RestoreAsync(backupFolder, restoredFolder);
        Assert.Equal(files.Length, restored.Documents);

        await using var app = new PrivateRagAppFactory(dataPath: restoredFolder);
        var restoredClient = app.CreateClientWithKey();
        var documents = await restoredClient.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}/documents");
        var index = app.Services.GetRequiredService<IChunkIndex>();
        foreach (var doc in documents.EnumerateArray())
        {
            var id = doc.GetProperty("id").GetGuid();
            var settled = await restoredClient.WaitForDocumentAsync(id);
            Assert.Equal("indexed", settled.GetProperty("status").GetString());
            var chunks = await index.GetDocumentChunksAsync(id, IndexFilter.For(collection));
            Assert.Equal(settled.GetProperty("chunks").GetInt32(), chunks.Count);
            Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());
        }
        var search = await (await restoredClient.PostAsJsonAsync("/api/search", new { query = "lighthouse keeper 2315" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("note-23.md", search.GetProperty("results")[0].GetProperty("documentName").GetString());
        Directory.Delete(backupFolder, recursive: true);
    }
}
