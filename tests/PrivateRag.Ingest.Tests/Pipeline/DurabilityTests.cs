using System.Diagnostics;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Blobs;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Pipeline;

/// <summary>Re-runs never duplicate, a killed worker's jobs resume to the same result, re-index and delete are clean.</summary>
public sealed class DurabilityTests
{
    private static readonly string[] Texts =
    [
        "# Alpha\n\nThe first document talks about alpacas.\n\nIt has two paragraphs.",
        "# Beta\n\nThe second document talks about beavers and their dams.",
        "# Gamma\n\nThe third document talks about gazelles.",
    ];

    [Fact]
    public async Task Running_the_same_ingest_again_changes_no_chunk()
    {
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.CreateCollectionAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < Texts.Length; i++) ids.Add(await host.UploadAsync(collection, $"doc{i}.md", System.Text.Encoding.UTF8.GetBytes(Texts[i])));
        await host.DrainAsync();
        var first = await host.ChunkFingerprintsAsync(collection);
        var stats = await host.Get<IChunkIndex>().GetStatsAsync();

        var again = new List<Guid>();
        for (var i = 0; i < Texts.Length; i++) again.Add(await host.UploadAsync(collection, $"doc{i}.md", System.Text.Encoding.UTF8.GetBytes(Texts[i])));
        foreach (var id in ids) await host.Get<DocumentService>().ReindexAsync(id, IngestTestHost.Admin);
        await host.DrainAsync();

        Assert.Equal(ids, again);
        Assert.Equal(first, await host.ChunkFingerprintsAsync(collection));
        Assert.Equal(stats.Chunks, (await host.Get<IChunkIndex>().GetStatsAsync()).Chunks);
        Assert.Equal(Texts.Length, (await host.DocumentsAsync()).Count);
    }

    [SharedDataFact]
    public async Task A_worker_killed_mid_ingestion_resumes_to_exactly_the_chunks_of_a_clean_run()
    {
        var files = new[]
        {
            "docs/pdfpig/FICTIF_TABLE_INDEX.pdf", "docs/pdfpig/ICML03-081.pdf", "docs/tika/testWORD_various.docx",
            "docs/pdfpig/2108.11480.pdf", "docs/pypdf-sample-files/multicolumn.pdf", "docs/tika/testJournalParser.pdf",
        }.Select(f => SharedData.File(f)!).ToList();

        // The clean run.
        await using var clean = await IngestTestHost.StartAsync();
        var cleanCollection = await clean.CreateCollectionAsync();
        foreach (var f in files) await clean.UploadAsync(cleanCollection, f);
        await clean.DrainAsync();
        var expected = await clean.ChunkFingerprintsAsync(cleanCollection);

        // The interrupted run: a standalone worker process is killed while it holds a job.
        var dataPath = IngestTestHost.NewDataPath();
        try
        {
            Guid collection;
            await using (var setup = await IngestTestHost.StartAsync(s => s["Ingestion:LeaseDuration"] = "00:00:02", dataPath))
            {
                collection = await setup.CreateCollectionAsync();
                foreach (var f in files) await setup.UploadAsync(collection, f);
            }
            var killed = await RunWorkerUntilFirstIndexedThenKillAsync(dataPath, files.Count);

            await using var resumed = await IngestTestHost.StartAsync(s => s["Ingestion:LeaseDuration"] = "00:00:02", dataPath);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await resumed.DocumentsAsync()).Any(d => d.Status is DocumentStatus.Queued or DocumentStatus.Processing))
            {
                Assert.True(DateTime.UtcNow < deadline, "the killed worker's job never became available again");
                await resumed.DrainAsync("resumer");
                await Task.Delay(250);
            }

            Assert.True(killed, "the worker was killed while documents were still open");
            Assert.Equal(expected, await resumed.ChunkFingerprintsAsync(collection));
            Assert.All(await resumed.DocumentsAsync(), d => Assert.Equal(DocumentStatus.Indexed, d.Status));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Starts <c>PrivateRag.Ingest.Worker</c> as a standalone worker on the data folder and kills it (SIGKILL) once
    /// at least one document is indexed while others are still open. True when it was killed mid-way.</summary>
    private static async Task<bool> RunWorkerUntilFirstIndexedThenKillAsync(string dataPath, int total)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(HostBuildOutput.AssemblyPath("PrivateRag.Ingest.Worker"));
        start.Environment["PrivateRag__DataPath"] = dataPath;
        start.Environment["Ingestion__LeaseDuration"] = "00:00:02";
        start.Environment["Ingestion__Isolation"] = "InProcess";
        start.Environment["Ingestion__Workers"] = "1";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_gcServer"] = "0";
        using var worker = Process.Start(start)!;
        _ = worker.StandardOutput.ReadToEndAsync();
        _ = worker.StandardError.ReadToEndAsync();
        await using var observer = await IngestTestHost.StartAsync(dataPath: dataPath);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        try
        {
            while (DateTime.UtcNow < deadline && !worker.HasExited)
            {
                var docs = await observer.DocumentsAsync();
                var done = docs.Count(d => d.Status is DocumentStatus.Indexed or DocumentStatus.Failed);
                if (done >= 1 && done < total) return true;
                if (done == total) return false;
                await Task.Delay(50);
            }
            return false;
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true); // SIGKILL: no shutdown, the lease stays taken
            await worker.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_reindexed_document_replaces_its_chunks_with_no_moment_showing_both_versions()
    {
        var dataPath = IngestTestHost.NewDataPath();
        var text = string.Join("\n\n", Enumerable.Range(1, 60).Select(i => $"Paragraph {i} explains the replacement rule number {i} in a few more words than needed."));
        await using var before = await IngestTestHost.StartAsync(s => s["Ingestion:Chunking:TargetTokens"] = "200", dataPath);
        var collection = await before.CreateCollectionAsync();
        var id = await before.UploadAsync(collection, "rules.txt", System.Text.Encoding.UTF8.GetBytes(text));
        await before.DrainAsync();
        var index = before.Get<IChunkIndex>();
        var oldIds = (await index.GetDocumentChunksAsync(id, IndexFilter.For(collection))).Select(c => $"{c.Id}:{c.CharEnd}").ToHashSet();

        // The same document re-indexed with other chunk sizes (as after a reader or chunker change).
        await using var after = await IngestTestHost.StartAsync(s => s["Ingestion:Chunking:TargetTokens"] = "60", dataPath);
        await after.Get<DocumentService>().ReindexAsync(id, IngestTestHost.Admin);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<HashSet<string>>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                seen.Enqueue((await index.GetDocumentChunksAsync(id, IndexFilter.For(collection))).Select(c => $"{c.Id}:{c.CharEnd}").ToHashSet());
        });
        await after.DrainAsync();
        // At least one more read after the re-index is done (not a fixed pause, which a loaded machine may not fill).
        var readsAtDrain = seen.Count;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (seen.Count <= readsAtDrain && DateTime.UtcNow < deadline && !watcher.IsCompleted) await Task.Delay(10);
        await stop.CancelAsync();
        await watcher;
        var newIds = (await index.GetDocumentChunksAsync(id, IndexFilter.For(collection))).Select(c => $"{c.Id}:{c.CharEnd}").ToHashSet();

        Assert.NotEqual(oldIds, newIds);
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.True(s.SetEquals(oldIds) || s.SetEquals(newIds), "a search saw a mix of both versions"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_deleted_document_leaves_no_chunk_and_its_blob_goes_when_nothing_refers_to_it()
    {
        await using var host = await IngestTestHost.StartAsync();
        var one = await host.CreateCollectionAsync("one");
        var two = await host.CreateCollectionAsync("two");
        var shared = System.Text.Encoding.UTF8.GetBytes("Shared bytes in two collections about otters.");
        var inOne = await host.UploadAsync(one, "otters.txt", shared);
        var inTwo = await host.UploadAsync(two, "otters.txt", shared);
        await host.DrainAsync();
        var hash = (await host.DocumentAsync(inOne)).ContentHash;
        var documents = host.Get<DocumentService>();
        var index = host.Get<IChunkIndex>();
        var blobs = host.Get<IBlobStore>();

        await documents.DeleteAsync(inOne, IngestTestHost.Admin);

        Assert.Empty(await index.GetDocumentChunksAsync(inOne, IndexFilter.For(one)));
        Assert.Empty(await index.SearchLexicalAsync("otters", IndexFilter.For(one), 10));
        Assert.True(blobs.Exists(hash), "the other collection's document still refers to the bytes");

        await documents.DeleteAsync(inTwo, IngestTestHost.Admin);

        Assert.Empty(await index.SearchLexicalAsync("otters", IndexFilter.For(one, two), 10));
        Assert.False(blobs.Exists(hash));
        Assert.Equal(0, (await index.GetStatsAsync()).Chunks);
    }
}
