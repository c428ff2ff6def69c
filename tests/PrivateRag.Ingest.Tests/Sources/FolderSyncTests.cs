using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Sources;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Sources;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Sources;

/// <summary>Folder sources against real files in a temporary folder: every change on disk is reflected after a sync.</summary>
public sealed class FolderSyncTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "privaterag-folder-tests", Guid.NewGuid().ToString("N"));

    public FolderSyncTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private void Write(string relative, string text, string? root = null)
    {
        var path = Path.Combine(root ?? _folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static async Task<Guid> AddSourceAsync(IngestTestHost host, Guid collection, string folder, string[]? include = null, string[]? exclude = null, long? maxBytes = null) =>
        (await host.Get<SourceService>().AddFolderAsync(new AddFolderSource(collection, folder, include, exclude, maxBytes, IntervalMinutes: 0),
            IngestTestHost.Admin, fromApi: false)).Id;

    private static async Task<List<Guid>> FindAsync(IngestTestHost host, Guid collection, string query, params string[] readers) =>
        (await host.Get<IChunkIndex>().SearchLexicalAsync(query, new IndexFilter([collection], readers.Length == 0 ? null : readers), 20))
        .Select(h => h.Chunk.DocumentId).Distinct().ToList();

    private static async Task<int> PendingJobsAsync(IngestTestHost host)
    {
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        return await db.IngestionJobs.CountAsync(j => j.State == JobState.Pending || j.State == JobState.Leased);
    }

    [Fact]
    public async Task Added_changed_renamed_deleted_and_narrowed_files_are_reflected_after_each_sync()
    {
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.CreateCollectionAsync();
        Write("alpha.md", "# Alpha\n\nAlpacas graze on the high plateau.");
        Write("beta.md", "# Beta\n\nBeavers build dams across the river.");
        Write("sub/gamma.txt", "Gazelles run across the savanna.");
        var source = await AddSourceAsync(host, collection, _folder);
        var sync = host.Get<SourceService>();

        var first = await sync.SyncAsync(source);
        await host.DrainAsync();
        Assert.Equal((3, 3, 0, 0, 0, 0, 0), (first.Seen, first.Added, first.Changed, first.Renamed, first.Removed, first.Unchanged, first.Failed));
        var docs = (await host.DocumentsAsync()).ToDictionary(d => d.Name);
        Assert.All(docs.Values, d => Assert.Equal(DocumentStatus.Indexed, d.Status));
        Assert.Equal([docs["beta.md"].Id], await FindAsync(host, collection, "beavers dams"));

        // Nothing changed: nothing hashed again, nothing queued.
        var idle = await sync.SyncAsync(source);
        Assert.Equal((3, 0, 3), (idle.Seen, idle.Added + idle.Changed + idle.Renamed + idle.Removed + idle.Failed, idle.Unchanged));
        Assert.Equal(0, await PendingJobsAsync(host));

        // Changed: the same document takes the new text.
        Write("alpha.md", "# Alpha\n\nAlpacas now graze in the valley near the lighthouse.");
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "alpha.md"), DateTime.UtcNow.AddMinutes(1));
        var changed = await sync.SyncAsync(source);
        await host.DrainAsync();
        Assert.Equal((1, 2), (changed.Changed, changed.Unchanged));
        Assert.Equal([docs["alpha.md"].Id], await FindAsync(host, collection, "lighthouse valley"));
        Assert.Empty(await FindAsync(host, collection, "plateau"));
        Assert.Equal(3, (await host.DocumentsAsync()).Count);

        // Renamed and moved: the same document and chunks under the new name, nothing re-embedded.
        Directory.CreateDirectory(Path.Combine(_folder, "moved"));
        File.Move(Path.Combine(_folder, "beta.md"), Path.Combine(_folder, "moved", "beavers.md"));
        var chunksBefore = await host.Get<IChunkIndex>().GetDocumentChunksAsync(docs["beta.md"].Id, IndexFilter.For(collection));
        var renamed = await sync.SyncAsync(source);
        Assert.Equal((1, 0, 0, 0), (renamed.Renamed, renamed.Added, renamed.Removed, renamed.Changed));
        Assert.Equal(0, await PendingJobsAsync(host));
        var beavers = await host.DocumentAsync(docs["beta.md"].Id);
        Assert.Equal(("beavers.md", DocumentStatus.Indexed), (beavers.Name, beavers.Status));
        var chunksAfter = await host.Get<IChunkIndex>().GetDocumentChunksAsync(beavers.Id, IndexFilter.For(collection));
        Assert.Equal(chunksBefore.Select(c => (c.Id, c.Text)), chunksAfter.Select(c => (c.Id, c.Text)));
        Assert.All(chunksAfter, c => Assert.Equal("beavers.md", c.DocumentName));

        // Deleted: the document and its chunks leave.
        File.Delete(Path.Combine(_folder, "sub", "gamma.txt"));
        var removed = await sync.SyncAsync(source);
        Assert.Equal(1, removed.Removed);
        Assert.DoesNotContain(await host.DocumentsAsync(), d => d.Id == docs["gamma.txt"].Id);
        Assert.Empty(await FindAsync(host, collection, "gazelles savanna"));

        // Narrowed: an access file in the folder narrows its files to alice, in place.
        Write("moved/" + FolderAccess.FileName, """{"users": ["alice"], "groups": ["board"]}""");
        var narrowed = await sync.SyncAsync(source);
        Assert.Equal((1, 0), (narrowed.AccessChanged, narrowed.Added + narrowed.Changed));
        Assert.Equal(0, await PendingJobsAsync(host));
        Assert.Empty(await FindAsync(host, collection, "beavers dams", "u:bob", "g:staff"));
        Assert.Equal([beavers.Id], await FindAsync(host, collection, "beavers dams", "u:alice"));
        Assert.Equal([beavers.Id], await FindAsync(host, collection, "beavers dams", "u:erin", "g:board"));
        Assert.NotEmpty(await FindAsync(host, collection, "alpacas", "u:bob")); // the rest keeps the collection's access

        // Lifted again.
        File.Delete(Path.Combine(_folder, "moved", FolderAccess.FileName));
        Assert.Equal(1, (await sync.SyncAsync(source)).AccessChanged);
        Assert.Equal([beavers.Id], await FindAsync(host, collection, "beavers dams", "u:bob"));

        var status = await sync.FindAsync(source);
        Assert.Equal((SourceState.Idle, 2, 2), (status!.State, status.Seen, status.ProgressTotal));
        Assert.NotNull(status.LastRunFinishedAt);
        Assert.Null(status.NextRunAt); // on demand only
    }

    [Fact]
    public async Task Include_and_exclude_patterns_and_the_size_limit_choose_the_files()
    {
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.CreateCollectionAsync();
        Write("notes/one.md", "# One\n\nThe first note.");
        Write("notes/two.txt", "The second note, plain text.");
        Write("drafts/three.md", "# Three\n\nA draft.");
        Write("notes/big.md", "# Big\n\n" + new string('x', 5000));
        Write("image.png", "not really an image");
        var source = await AddSourceAsync(host, collection, _folder, include: ["*.md"], exclude: ["drafts/**"], maxBytes: 1000);

        var result = await host.Get<SourceService>().SyncAsync(source);

        Assert.Equal((2, 1, 1), (result.Seen, result.Added, result.Failed));
        Assert.Equal("notes/big.md", Assert.Single(result.Failures).Path);
        Assert.Contains("limit", result.Failures[0].Error, StringComparison.Ordinal);
        Assert.Equal(["one.md"], (await host.DocumentsAsync()).Select(d => d.Name));
    }

    [Fact]
    public async Task A_file_copied_twice_is_one_document_and_stays_until_its_last_copy_is_deleted()
    {
        await using var host = await IngestTestHost.StartAsync();
        var collection = await host.CreateCollectionAsync();
        Write("a/report.md", "# Report\n\nThe same bytes in two folders.");
        Write("b/report.md", "# Report\n\nThe same bytes in two folders.");
        var source = await AddSourceAsync(host, collection, _folder);
        var sync = host.Get<SourceService>();

        Assert.Equal(2, (await sync.SyncAsync(source)).Added);
        Assert.Single(await host.DocumentsAsync());
        File.Delete(Path.Combine(_folder, "a", "report.md"));
        Assert.Equal(1, (await sync.SyncAsync(source)).Removed);
        Assert.Single(await host.DocumentsAsync());
        File.Delete(Path.Combine(_folder, "b", "report.md"));
        await sync.SyncAsync(source);
        Assert.Empty(await host.DocumentsAsync());
    }

    [Fact]
    public void Globs_match_names_anywhere_and_paths_from_the_root()
    {
        Assert.True(new Glob("*.pdf").IsMatch("a/b/report.PDF"));
        Assert.False(new Glob("*.pdf").IsMatch("a/report.docx"));
        Assert.True(new Glob("reports/**/*.docx").IsMatch("reports/2024/q1/x.docx"));
        Assert.True(new Glob("reports/**/*.docx").IsMatch("reports/x.docx"));
        Assert.False(new Glob("reports/**/*.docx").IsMatch("other/reports/x.docx"));
        Assert.True(new Glob("drafts/**").IsMatch("drafts/a/b.md"));
        Assert.True(new Glob("file?.txt").IsMatch("file1.txt"));
        Assert.False(new Glob("file?.txt").IsMatch("dir/file12.txt"));
    }

    /// <summary>
    /// The CLI is started as a child process to sync 400 files and killed (SIGKILL) part way; a sync afterwards must
    /// leave exactly the documents, items and chunks a clean sync of the same files leaves.
    /// </summary>
    [Fact]
    public async Task A_sync_killed_part_way_then_run_again_ends_in_exactly_the_state_of_a_clean_sync()
    {
        const int files = 400;
        for (var i = 0; i < files; i++)
            Write($"d{i % 7}/note-{i:D4}.md", $"# Note {i}\n\nNote number {i} mentions the word token{i} and the colour {(i % 3 == 0 ? "red" : "blue")}.");
        Write("d3/" + FolderAccess.FileName, """{"groups": ["board"]}""");

        // The clean sync.
        await using var clean = await IngestTestHost.StartAsync();
        var cleanCollection = await clean.CreateCollectionAsync();
        var cleanSource = await AddSourceAsync(clean, cleanCollection, _folder);
        await clean.Get<SourceService>().SyncAsync(cleanSource);
        await clean.DrainAsync();
        var expected = await StateAsync(clean, cleanCollection);

        var dataPath = IngestTestHost.NewDataPath();
        try
        {
            Guid collection;
            await using (var setup = await IngestTestHost.StartAsync(dataPath: dataPath))
            {
                collection = await setup.CreateCollectionAsync();
                await AddSourceAsync(setup, collection, _folder);
            }
            var (killedAt, total) = await RunCliSyncUntilPartWayThenKillAsync(dataPath);
            Assert.True(killedAt > 0 && killedAt < total, $"the CLI was killed part way ({killedAt}/{total})");

            await using var resumed = await IngestTestHost.StartAsync(dataPath: dataPath);
            var source = (await resumed.Get<SourceService>().ListAsync(collection)).Single();
            Assert.Equal(SourceState.Running, source.State); // the killed run never finished
            var again = await resumed.Get<SourceService>().SyncAsync(source.Id);
            await resumed.DrainAsync();

            Assert.Equal(0, again.Failed);
            Assert.Equal(expected, await StateAsync(resumed, collection));
            Assert.Equal(files, (await resumed.DocumentsAsync()).Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Documents (name, hash, status, access), the source's items (path, hash, document name) and every chunk: comparable across data folders.</summary>
    private static async Task<List<string>> StateAsync(IngestTestHost host, Guid collection)
    {
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        var documents = await db.Documents.AsNoTracking().Include(d => d.Grants).ToListAsync();
        var names = documents.ToDictionary(d => d.Id, d => d.Name);
        var state = documents.Select(d => $"doc {d.Name} {d.ContentHash} {d.Status} {d.Chunks} " +
            (DocumentAccessRule.Of(d) is { } r ? $"users=[{string.Join(",", r.Users)}] groups=[{string.Join(",", r.Groups)}]" : "inherits")).ToList();
        state.AddRange((await db.SourceItems.AsNoTracking().ToListAsync()).Select(i => $"item {i.Path} {i.ContentHash} {i.SizeBytes} {names[i.DocumentId]}"));
        state.AddRange((await host.ChunkFingerprintsAsync(collection)).Select(c => "chunk " + c));
        var index = host.Get<IChunkIndex>();
        state.Add("board sees " + (await index.SearchLexicalAsync("note", new IndexFilter([collection], ["g:board"]), 1000)).Count);
        state.Add("others see " + (await index.SearchLexicalAsync("note", new IndexFilter([collection], ["u:someone"]), 1000)).Count);
        state.Sort(StringComparer.Ordinal);
        return state;
    }

    /// <summary>Starts <c>privaterag sources sync</c> on the data folder and kills it once its progress shows part of the files done.</summary>
    private static async Task<(int Done, int Total)> RunCliSyncUntilPartWayThenKillAsync(string dataPath)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", Path.Combine(Path.GetDirectoryName(HostBuildOutput.AssemblyPath("PrivateRag.Cli"))!, "privaterag.dll"), "--data", dataPath, "sources", "sync", "--collection", "c", "--no-wait" })
            start.ArgumentList.Add(arg);
        start.Environment["Ingestion__Isolation"] = "InProcess";
        start.Environment["DOTNET_gcServer"] = "0";
        using var cli = Process.Start(start)!;
        _ = cli.StandardOutput.ReadToEndAsync();
        var seen = new StringBuilder();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (await cli.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.AppendLine(line);
                var parts = line.StartsWith("synced ", StringComparison.Ordinal) ? line[7..].Split(' ')[0].Split('/') : null;
                if (parts is { Length: 2 } && int.TryParse(parts[0], out var done) && int.TryParse(parts[1], out var total) && done > 0 && done < total)
                {
                    cli.Kill(entireProcessTree: true); // SIGKILL: no clean-up, the source's claim stays
                    return (done, total);
                }
            }
            throw new Xunit.Sdk.XunitException("The CLI finished or stopped before it reported progress part way:\n" + seen);
        }
        finally
        {
            if (!cli.HasExited) cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync();
        }
    }
}
