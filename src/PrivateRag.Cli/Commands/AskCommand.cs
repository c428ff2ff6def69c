using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;

namespace PrivateRag.Cli.Commands;

public static class AskCommand
{
    public sealed record AnswerJson(Guid ConversationId, string Answer, IReadOnlyList<Citation> Citations, string Mode, bool NotFound);

    public static Command Create()
    {
        var question = new Argument<string>("question") { Description = "The question." };
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var command = new Command("ask", "Ask a question of one collection; prints the answer with its citations.") { question, collection, GlobalOptions.Json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var chat = services.GetRequiredService<ChatService>();
            var request = new ChatRequest(parse.GetValue(question)!, null, [target.Id]);
            if (parse.GetValue(GlobalOptions.Json))
            {
                var a = await chat.AskAsync(request, AccessContext.System, ct);
                CliOutput.WriteJson(new AnswerJson(a.ConversationId, a.Answer, a.Citations, a.Mode, a.NotFound));
                return 0;
            }
            await foreach (var e in chat.StreamAsync(request, AccessContext.System, ct))
            {
                switch (e)
                {
                    case ChatEvent.Delta d: Console.Write(d.Text); break;
                    case ChatEvent.Citations c:
                        Console.WriteLine("\n");
                        foreach (var cite in c.Items)
                            Console.WriteLine($"[{cite.N}] {cite.DocumentName}, page {cite.Page}{(cite.Cited ? "" : " (not cited)")}");
                        break;
                    case ChatEvent.Error err: await Console.Error.WriteLineAsync($"error: {err.Message}"); return 1;
                }
            }
            return 0;
        }));
        return command;
    }
}
