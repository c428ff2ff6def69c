using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Storage;

namespace PrivateRag.Cli.Commands;

/// <summary>
/// <c>reindex (--all | --collection NAME) [--rebuild-index]</c>: runs documents through ingestion again, e.g. after
/// changing the embedding model; <c>--rebuild-index</c> first removes the embedded index so vectors of the new size fit.
/// </summary>
public static class ReindexCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Every document of every collection." };
        var collection = new Option<string?>("--collection") { Description = "Only this collection." };
        var rebuild = new Option<bool>("--rebuild-index") { Description = "Delete the embedded index first (the app must be stopped)." };
        var workers = new Option<int>("--workers") { Description = "Documents processed at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("reindex", "Run documents through ingestion again (re-extract, re-chunk, re-embed) and wait until done.")
        {
            all, collection, rebuild, workers, GlobalOptions.Json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(all) == (r.GetValue(collection) is not null)) r.AddError("Give exactly one of --all or --collection NAME.");
            if (r.GetValue(rebuild) && !r.GetValue(all)) r.AddError("--rebuild-index empties the whole index, so it needs --all.");
        });
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(rebuild)) RemoveEmbeddedIndex(parse.GetValue(GlobalOptions.Data));
            return await CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
            {
                var dbFactory = services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>();
                List<Guid> ids;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    var query = db.Documents.AsNoTracking();
                    if (parse.GetValue(collection) is { } name)
                    {
                        var target = await CollectionResolver.RequireAsync(services, name, ct);
                        query = query.Where(d => d.CollectionId == target.Id);
                    }
                    ids = await query.Select(d => d.Id).ToListAsync(ct);
                }
                var documents = services.GetRequiredService<DocumentService>();
                foreach (var id in ids) await documents.ReindexAsync(id, AccessContext.System, ct);
                await IngestCommand.DrainAsync(services, ids.ToHashSet(), Math.Max(1, parse.GetValue(workers)), parse.GetValue(GlobalOptions.Json), ct);
                await using var check = await dbFactory.CreateDbContextAsync(ct);
                var failed = await check.Documents.CountAsync(d => ids.Contains(d.Id) && d.Status == PrivateRag.Core.Documents.DocumentStatus.Failed, ct);
                if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(new { documents = ids.Count, failed });
                else Console.WriteLine($"{ids.Count - failed} of {ids.Count} documents indexed again; {failed} failed.");
                return failed == 0 ? 0 : 2;
            });
        });
        return command;
    }

    private static void RemoveEmbeddedIndex(string? dataPath)
    {
        var index = new DataFolder(dataPath ?? PrivateRagOptions.DefaultDataPath);
        if (!Directory.Exists(index.IndexFolder)) return;
        // The database and its -wal / -shm files.
        foreach (var file in Directory.EnumerateFiles(index.IndexFolder, Path.GetFileName(index.IndexDatabase) + "*")) File.Delete(file);
    }
}
