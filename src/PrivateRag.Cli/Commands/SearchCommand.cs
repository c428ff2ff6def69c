using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Cli.Commands;

public static class SearchCommand
{
    public sealed record Hit(string ChunkId, Guid DocumentId, string DocumentName, int Page, int PageEnd, double Score, string Text);
    public sealed record SearchJson(IReadOnlyList<Hit> Results);

    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "What to search for." };
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var top = new Option<int>("--top") { Description = "How many passages.", DefaultValueFactory = _ => 10 };
        var command = new Command("search", "Search one collection.") { query, collection, top, GlobalOptions.Json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var results = await services.GetRequiredService<IRetriever>()
                .SearchAsync(new SearchRequest(parse.GetValue(query)!, [target.Id], Math.Clamp(parse.GetValue(top), 1, 1000)), ct);
            var hits = results.Select(r => new Hit(r.Chunk.Id, r.Chunk.DocumentId, r.Chunk.DocumentName,
                PrivateRag.Core.Answering.CitedSpan.PageFor(r.Chunk, parse.GetValue(query)), r.Chunk.PageEnd, r.Score, r.Chunk.Text)).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                CliOutput.WriteJson(new SearchJson(hits));
            }
            else
            {
                if (hits.Count == 0) Console.WriteLine("No passages match.");
                foreach (var (h, i) in hits.Select((h, i) => (h, i)))
                    Console.WriteLine($"{i + 1}. {h.DocumentName} p.{h.Page} (score {h.Score:0.000})\n   {PrivateRag.Core.Answering.Snippets.Shorten(h.Text.ReplaceLineEndings(" "), 240)}\n");
            }
            return 0;
        }));
        return command;
    }
}
