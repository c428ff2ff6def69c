using System.CommandLine;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Domain;
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
        var paths = new Argument<string[]>("path") { Description = "Files or folders to ingest.", Arity = ArgumentArity.OneOrMore };
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
        foreach (var file in files)
        {
            try
            {
                await using var stream = File.OpenRead(file);
                var result = await documents.UploadAsync(target.Id, Path.GetFileName(file), stream, AccessContext.System, ct);
                uploaded.Add((file, result.Document.Id));
            }
            catch (Exception e) when (e is PayloadTooLargeException or IOException or UnauthorizedAccessException or InvalidRequestException)
            {
                report.Add(new IngestedDocument(file, null, "failed", e.Message, 0, 0));
            }
        }

        await DrainAsync(services, uploaded.Select(u => u.Id).ToHashSet(), workers, json, ct);

        var dbFactory = services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = uploaded.Select(u => u.Id).ToList();
            var rows = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
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
    private static async Task DrainAsync(IServiceProvider services, HashSet<Guid> ids, int workers, bool quiet, CancellationToken ct)
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
                var open = await db.Documents.CountAsync(d => idList.Contains(d.Id) && (d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing), ct);
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
                    if (readers.IsSupported(file)) files.Add(Path.GetFullPath(file));
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
