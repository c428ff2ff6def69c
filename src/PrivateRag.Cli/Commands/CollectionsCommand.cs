using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;

namespace PrivateRag.Cli.Commands;

public static class CollectionsCommand
{
    public sealed record CollectionRow(Guid Id, string Name, int Documents, int Chunks);

    public static Command Create()
    {
        var command = new Command("collections", "List collections with their document and chunk counts.") { GlobalOptions.Json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var rows = (await services.GetRequiredService<CollectionService>().ListReadableAsync(AccessContext.System, ct))
                .Select(c => new CollectionRow(c.Id, c.Name, c.Documents, c.Chunks)).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                CliOutput.WriteJson(rows);
            }
            else
            {
                if (rows.Count == 0) Console.WriteLine("No collections yet.");
                foreach (var r in rows) Console.WriteLine($"{r.Id}  {r.Name,-30} {r.Documents,6} documents {r.Chunks,8} chunks");
            }
            return 0;
        }));
        return command;
    }
}
