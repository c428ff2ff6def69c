using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Cli.Commands;

/// <summary><c>eval answers --collection NAME --questions FILE.csv</c>: answer-level quality on a question set.</summary>
public static class EvalAnswersCommand
{
    public static Command Create()
    {
        var collection = new Option<string>("--collection") { Description = "The collection's name.", Required = true };
        var questions = new Option<string>("--questions") { Description = "CSV with Question, Source Docs (globs such as *AAPL*) and optionally Answer.", Required = true };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N questions." };
        var details = new Option<bool>("--details") { Description = "With --json: include every question's outcome." };
        var command = new Command("answers", "Ask every question and report the share of answers citing a right source, verified citations and not-found answers.")
        {
            collection, questions, limit, details, GlobalOptions.Json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var path = parse.GetValue(questions)!;
            if (!File.Exists(path)) throw new CliException($"'{path}' does not exist.");
            IReadOnlyList<AnswerQuestion> set;
            using (var reader = new StreamReader(path)) set = AnswerEvaluator.ReadQuestions(reader);
            if (parse.GetValue(limit) is { } n) set = set.Take(n).ToList();
            var json = parse.GetValue(GlobalOptions.Json);
            var progress = new Progress<int>(done => { if (!json || parse.GetValue(GlobalOptions.Verbose)) Console.Error.Write($"\r{done}/{set.Count} questions"); });
            var result = await services.GetRequiredService<AnswerEvaluator>().EvaluateAsync(set, [target.Id], progress, ct);
            Console.Error.WriteLine();
            if (json)
            {
                CliOutput.WriteJson(parse.GetValue(details) ? result : result with { Items = [] });
            }
            else
            {
                Console.WriteLine($"questions            {result.Questions}  (mode: {result.Mode})");
                Console.WriteLine($"cites a right source {result.CitesRightSource:P1}");
                Console.WriteLine($"sources include one  {result.SourcesIncludeRightSource:P1}");
                Console.WriteLine($"citations verified   {result.CitationsVerified:P1}");
                Console.WriteLine($"not found            {result.NotFound:P1}");
                Console.WriteLine($"latency p50 / p95    {result.P50Ms:0} / {result.P95Ms:0} ms");
            }
            return 0;
        }));
        return command;
    }
}
