using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest.Sources;

namespace PrivateRag.Cli.Commands;

/// <summary><c>privaterag sources add folder PATH --collection NAME</c>, <c>sources list</c>, <c>sources sync --collection NAME</c>.</summary>
public static class SourcesCommand
{
    public sealed record SyncJson(int Added, int Changed, int Renamed, int Removed, int Unchanged, int Failed, int Seen, int AccessChanged,
        IReadOnlyList<SyncFailure> Failures, double SyncSeconds, double Seconds);

    public sealed record SourceJson(Guid Id, string Kind, string Path, IReadOnlyList<string> Include, IReadOnlyList<string> Exclude, long MaxFileBytes,
        int IntervalMinutes, string State, DateTimeOffset? LastRunFinishedAt, DateTimeOffset? NextRunAt, int Seen, int Added, int Changed,
        int Renamed, int Removed, int Unchanged, int Failed, int ProgressDone, int ProgressTotal, string? LastError);

    public static Command Create() => new("sources", "Folders a collection is kept in sync with.") { Add(), List(), Sync() };

    private static Command Add()
    {
        var path = new Argument<string>("path") { Description = "The folder (a local path or a mounted share)." };
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var include = new Option<string[]>("--include") { Description = "Only files matching this glob (repeat for several), e.g. '*.pdf' or 'reports/**/*.docx'." };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave out files matching this glob (repeat for several)." };
        var maxBytes = new Option<long?>("--max-file-bytes") { Description = "Files larger than this are not ingested (default Sources:DefaultMaxFileBytes)." };
        var interval = new Option<int>("--interval-minutes") { Description = "Minutes between scheduled syncs; 0: only on demand.", DefaultValueFactory = _ => 60 };
        var create = new Option<bool>("--create") { Description = "Create the collection (readable by admins only) if it does not exist." };
        var folder = new Command("folder", "Add a folder source.") { path, collection, include, exclude, maxBytes, interval, create, GlobalOptions.Json };
        folder.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var name = parse.GetValue(collection)!;
            var collections = services.GetRequiredService<CollectionService>();
            var target = await collections.FindByNameAsync(name, ct)
                         ?? (parse.GetValue(create) ? await collections.CreateAsync(new CreateCollection(name), ct) : await CollectionResolver.RequireAsync(services, name, ct));
            var source = await services.GetRequiredService<SourceService>().AddFolderAsync(new AddFolderSource(
                target.Id, parse.GetValue(path)!, parse.GetValue(include), parse.GetValue(exclude), parse.GetValue(maxBytes), parse.GetValue(interval)),
                AccessContext.System, fromApi: false, ct);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(ToJson(source));
            else Console.WriteLine($"Folder source {source.Id} added to '{target.Name}': {source.Location}. Run 'privaterag sources sync --collection {target.Name}' to sync it now.");
            return 0;
        }));
        return new Command("add", "Add a source to a collection.") { folder };
    }

    private static Command List()
    {
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var list = new Command("list", "A collection's sources with the figures of their last run.") { collection, GlobalOptions.Json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var sources = (await services.GetRequiredService<SourceService>().ListAsync(target.Id, ct)).Select(ToJson).ToList();
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(sources);
            else foreach (var s in sources)
                Console.WriteLine($"{s.Id} {s.Kind} {s.Path} [{s.State}] last run {s.LastRunFinishedAt?.ToString("u") ?? "never"}: {s.Seen} seen, {s.Added} added, " +
                                  $"{s.Changed} changed, {s.Renamed} renamed, {s.Removed} removed, {s.Failed} failed; next {s.NextRunAt?.ToString("u") ?? "on demand"}");
            return 0;
        }));
        return list;
    }

    private static Command Sync()
    {
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var noWait = new Option<bool>("--no-wait") { Description = "Return after the sync without indexing the queued documents in this process." };
        var workers = new Option<int>("--workers") { Description = "Documents indexed at once while waiting.", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
        var sync = new Command("sync", "Sync every source of a collection now, then index what it queued. Progress goes to stderr.") { collection, noWait, workers, GlobalOptions.Json };
        sync.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var result = await services.GetRequiredService<SourceService>().SyncCollectionAsync(target.Id,
                p => Console.Error.WriteLineAsync($"synced {p.Done}/{p.Total} files"), ct);
            if (!parse.GetValue(noWait))
            {
                // What this run queued, and what an interrupted earlier run left queued, is indexed before returning.
                await using var db = await services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync(ct);
                var open = await db.Documents.Where(d => d.CollectionId == target.Id && (d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing))
                    .Select(d => d.Id).ToListAsync(ct);
                await IngestCommand.DrainAsync(services, [.. open, .. result.Queued], Math.Max(1, parse.GetValue(workers)), quiet: false, ct);
            }
            var json = new SyncJson(result.Added, result.Changed, result.Renamed, result.Removed, result.Unchanged, result.Failed, result.Seen,
                result.AccessChanged, result.Failures, Math.Round(result.Seconds, 3), Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, 3));
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(json);
            else
            {
                foreach (var f in result.Failures) Console.WriteLine($"FAILED  {f.Path}: {f.Error}");
                Console.WriteLine($"'{target.Name}': {json.Seen} files seen, {json.Added} added, {json.Changed} changed, {json.Renamed} renamed, " +
                                  $"{json.Removed} removed, {json.Unchanged} unchanged, {json.Failed} failed, access changed on {json.AccessChanged} ({json.Seconds:0.0} s).");
            }
            return result.Failed == 0 ? 0 : 2;
        }));
        return sync;
    }

    private static SourceJson ToJson(PrivateRag.Core.Sources.Source s) => new(
        s.Id, s.Kind.ToString().ToLowerInvariant(), s.Location, FolderSync.Patterns(s.Include).Select(g => g.Pattern).ToList(),
        FolderSync.Patterns(s.Exclude).Select(g => g.Pattern).ToList(), s.MaxFileBytes, s.IntervalMinutes, s.State.ToString().ToLowerInvariant(),
        s.LastRunFinishedAt, s.NextRunAt, s.Seen, s.Added, s.Changed, s.Renamed, s.Removed, s.Unchanged, s.Failed, s.ProgressDone, s.ProgressTotal, s.LastError);
}
