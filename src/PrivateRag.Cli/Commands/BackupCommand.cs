using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Operations;
using PrivateRag.Core.Storage;

namespace PrivateRag.Cli.Commands;

/// <summary><c>backup DEST</c> while the app runs; <c>restore SRC</c> into an empty data folder.</summary>
public static class BackupCommand
{
    public static Command CreateBackup()
    {
        var destination = new Argument<string>("destination") { Description = "An empty or new folder for the backup." };
        var command = new Command("backup", "Copy the data folder (store, index, blobs, keys) consistently, even while the app runs.") { destination, GlobalOptions.Json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var report = await services.GetRequiredService<BackupService>().BackupAsync(parse.GetValue(destination)!, ct);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(report);
            else Console.WriteLine($"Backup written to {report.Destination}: {report.Documents} documents, {report.Blobs} blobs ({report.Bytes / 1048576.0:0.0} MB) in {report.Seconds:0.0} s" +
                                   (report.MissingBlobs > 0 ? $"; {report.MissingBlobs} documents were deleted during the backup and will be dropped on restore." : "."));
            return 0;
        }));
        return command;
    }

    public static Command CreateRestore()
    {
        var source = new Argument<string>("source") { Description = "A folder written by privaterag backup." };
        var command = new Command("restore", "Restore a backup into an empty data folder (--data); the app must not be running on it.") { source, GlobalOptions.Json };
        command.SetAction(async (parse, ct) =>
        {
            // Restore writes the data folder itself, so it must not open (and so create) the store there first.
            var data = Path.GetFullPath(parse.GetValue(GlobalOptions.Data) ?? PrivateRagOptions.DefaultDataPath);
            try
            {
                var services = new ServiceCollection().AddLogging()
                    .AddSingleton(Microsoft.Extensions.Options.Options.Create(new PrivateRagOptions { DataPath = data }))
                    .AddSingleton(Microsoft.Extensions.Options.Options.Create(new PrivateRag.Core.Storage.StoreOptions()))
                    .AddSingleton<BackupService>().BuildServiceProvider();
                var report = await services.GetRequiredService<BackupService>().RestoreAsync(parse.GetValue(source)!, data, ct);
                if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(report);
                else Console.WriteLine($"Restored {report.Documents} documents into {report.DataPath}; {report.Requeued} caught mid-ingestion are queued again.");
                return 0;
            }
            catch (PrivateRag.Core.InvalidRequestException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
