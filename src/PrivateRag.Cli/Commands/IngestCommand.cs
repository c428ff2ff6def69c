using System.CommandLine;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Cli.Commands;

public static class IngestCommand
{
    public sealed record IngestedDocument(string Path, Guid? Id, string Status, string? Error, int Pages, int Chunks);
    public sealed record IngestReport(IReadOnlyList<IngestedDocument> Documents, double Seconds);

    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Files, folders, or a BEIR corpus.jsonl[.gz] (one document per record, named by its _id).", Arity = ArgumentArity.OneOrMore };
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var create = new Option<bool>("--create") { Description = "Create the collection if it does not exist." };
        var everyone = new Option<bool>("--everyone") { Description = "With --create: everyone who signs in may read it." };
        var workers = new Option<int>("--workers") { Description = "Documents processed at once (default: processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("ingest", "Add files to a collection and wait until they are indexed.")
        {
            paths, collection, create, everyone, workers, GlobalOptions.Json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, services =>
            RunAsync(services, parse.GetValue(paths)!, parse.GetValue(collection)!, parse.GetValue(create), parse.GetValue(everyone),
                Math.Max(1, parse.GetValue(workers)), parse.GetValue(GlobalOptions.Json), ct)));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string[] paths, string collectionName, bool create, bool everyone, int workers, bool json, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var collections = services.GetRequiredService<CollectionService>();
        var target = await collections.FindByNameAsync(collectionName, ct);
        if (target is null)
        {
            if (!create) throw new CliException($"No collection named '{collectionName}'. Add --create to create it.");
            target = await collections.CreateAsync(new CreateCollection(collectionName, Access: new CollectionAccessRule(Everyone: everyone)), ct);
        }

        var readers = services.GetRequiredService<DocumentReaderRegistry>();
        var files = ExpandPaths(paths, readers, out var skipped);
        if (skipped > 0) await Console.Error.WriteLineAsync($"Skipped {skipped} file(s) in folders whose type is not supported.");

        var documents = services.GetRequiredService<DocumentService>();
        var uploaded = new List<(string Path, Guid Id)>();
        var report = new List<IngestedDocument>();
        var gate = new Lock();
        // Uploads overlap (hashing and blob writes), a few at a time; the order of the report stays the input order.
        var sources = files.SelectMany(f => BeirCorpus.IsCorpus(f) ? BeirCorpus.Records(f) : [new UploadSource(f, Path.GetFileName(f), null)]);
        var results = new List<(int Order, string Path, Guid? Id, string? Error)>();
        var order = 0;
        await Parallel.ForEachAsync(sources.Select(source => (Order: order++, Source: source)),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (item, token) =>
        {
            var (number, source) = item;
            try
            {
                await using var stream = source.Text is { } text ? new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) : (Stream)File.OpenRead(source.Path);
                var result = await documents.UploadAsync(target.Id, source.Name, stream, AccessContext.System, token);
                lock (gate) results.Add((number, source.Path, result.Document.Id, null));
            }
            catch (Exception e) when (e is PayloadTooLargeException or IOException or UnauthorizedAccessException or InvalidRequestException)
            {
                lock (gate) results.Add((number, source.Path, null, e.Message));
            }
        });
        foreach (var r in results.OrderBy(r => r.Order))
        {
            if (r.Id is { } id) uploaded.Add((r.Path, id));
            else report.Add(new IngestedDocument(r.Path, null, "failed", r.Error, 0, 0));
        }

        await DrainAsync(services, uploaded.Select(u => u.Id).ToHashSet(), workers, json, ct);

        var dbFactory = services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = uploaded.Select(u => u.Id).ToList();
            var rows = new Dictionary<Guid, Document>();
            foreach (var batch in ids.Distinct().Chunk(500))
            {
                foreach (var d in await db.Documents.AsNoTracking().Where(d => batch.Contains(d.Id)).ToListAsync(ct)) rows[d.Id] = d;
            }
            foreach (var (path, id) in uploaded)
            {
                var d = rows[id];
                report.Add(new IngestedDocument(path, id, d.Status.ToString().ToLowerInvariant(),
                    d.Status == DocumentStatus.Failed ? $"{d.FailureReason}: {d.Error}" : null, d.Pages, d.Chunks));
            }
        }

        var output = new IngestReport(report, Math.Round(clock.Elapsed.TotalSeconds, 2));
        if (json)
        {
            CliOutput.WriteJson(output);
        }
        else
        {
            foreach (var failed in report.Where(r => r.Status != "indexed"))
                Console.WriteLine($"FAILED  {failed.Path}: {failed.Error}");
            Console.WriteLine($"{report.Count(r => r.Status == "indexed")} of {report.Count} documents indexed into '{target.Name}': " +
                              $"{report.Sum(r => r.Pages)} pages, {report.Sum(r => r.Chunks)} chunks in {output.Seconds:0.0} s.");
        }
        return report.All(r => r.Status == "indexed") ? 0 : 2;
    }

    /// <summary>Processes the queue in this process until every document of this run is indexed or failed.</summary>
    internal static async Task DrainAsync(IServiceProvider services, HashSet<Guid> ids, int workers, bool quiet, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        var pipeline = services.GetRequiredService<IngestionPipeline>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = Enumerable.Range(0, workers).Select(async i =>
        {
            var workerId = $"cli:{Environment.ProcessId}:{i}";
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (!await pipeline.ProcessNextAsync(workerId, stop.Token)) await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToList();

        var last = -1;
        var idList = ids.ToList();
        while (true)
        {
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var open = 0;
                foreach (var batch in idList.Chunk(500))
                    open += await db.Documents.CountAsync(d => batch.Contains(d.Id) && (d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing), ct);
                if (!quiet && open != last) await Console.Error.WriteLineAsync($"{ids.Count - open}/{ids.Count} documents done");
                last = open;
                if (open == 0) break;
            }
            await Task.Delay(300, ct);
        }
        await stop.CancelAsync();
        await Task.WhenAll(loops);
    }

    private static List<string> ExpandPaths(IEnumerable<string> paths, DocumentReaderRegistry readers, out int skipped)
    {
        skipped = 0;
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (readers.IsSupported(file) || BeirCorpus.IsCorpus(file)) files.Add(Path.GetFullPath(file));
                    else skipped++;
                }
            }
            else if (File.Exists(path))
            {
                files.Add(Path.GetFullPath(path));
            }
            else
            {
                throw new CliException($"'{path}' does not exist.");
            }
        }
        return files;
    }
}

/// <summary>One thing to upload: a file, or one record of a BEIR corpus (its text in memory).</summary>
internal sealed record UploadSource(string Path, string Name, string? Text);

/// <summary>
/// BEIR <c>corpus.jsonl</c> / <c>corpus.jsonl.gz</c>: one JSON object per line, <c>{_id, title, text}</c>. Each record
/// becomes a plain-text document named by its <c>_id</c> (no extension: such names are read as plain text), with the
/// text <c>title + "\n\n" + text</c>.
/// </summary>
internal static class BeirCorpus
{
    public static bool IsCorpus(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<UploadSource> Records(string path)
    {
        using var file = File.OpenRead(path);
        using Stream content = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress)
            : file;
        using var reader = new StreamReader(content, System.Text.Encoding.UTF8);
        var line = 0;
        while (reader.ReadLine() is { } json)
        {
            line++;
            if (string.IsNullOrWhiteSpace(json)) continue;
            using var record = System.Text.Json.JsonDocument.Parse(json);
            var root = record.RootElement;
            var id = root.TryGetProperty("_id", out var i) ? i.ToString() : throw new CliException($"{path}:{line}: a BEIR record needs an _id.");
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var text = root.TryGetProperty("text", out var x) ? x.GetString() : null;
            var body = string.IsNullOrWhiteSpace(title) ? text ?? "" : $"{title}\n\n{text}";
            yield return new UploadSource($"{path}#{id}", id, body);
        }
    }
}
