using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Cli.Commands;

/// <summary><c>eval retrieval</c>: scores the app's own retrieval on one collection against BEIR queries and qrels.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var collection = new Option<string>("--collection") { Description = "The collection holding the corpus.", Required = true };
        var queries = new Option<string>("--queries") { Description = "BEIR queries (JSON lines: _id, text).", Required = true };
        var qrels = new Option<string>("--qrels") { Description = "BEIR qrels (TSV: query-id, corpus-id, score); a corpus-id is a document's _id or file name, or NAME#PAGE (1-based).", Required = true };
        var retrieval = new Command("retrieval", "Print nDCG@10, Recall@10/100, MRR@10 and query latency p50/p95 of the retrieval the app uses.")
        {
            collection, queries, qrels, GlobalOptions.Json,
        };
        retrieval.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var target = await CollectionResolver.RequireAsync(services, parse.GetValue(collection)!, ct);
            var queriesPath = parse.GetValue(queries)!;
            var qrelsPath = parse.GetValue(qrels)!;
            if (!File.Exists(queriesPath)) throw new CliException($"'{queriesPath}' does not exist.");
            if (!File.Exists(qrelsPath)) throw new CliException($"'{qrelsPath}' does not exist.");
            IReadOnlyList<BeirQuery> queryList;
            Qrels judgements;
            try
            {
                queryList = await BeirFiles.ReadQueriesAsync(queriesPath, ct);
                judgements = await BeirFiles.ReadQrelsAsync(qrelsPath, ct);
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message);
            }

            var retriever = services.GetRequiredService<IRetriever>();
            var json = parse.GetValue(GlobalOptions.Json);
            var (report, _) = await RetrievalEvaluator.EvaluateAsync(queryList, judgements,
                async (text, token) => (await retriever.SearchAsync(new SearchRequest(text, [target.Id], HybridRetriever.MaxTop), token))
                    .Select(r => r.Chunk).ToList(),
                json ? null : new Progress<int>(n => { if (n % 100 == 0) Console.Error.WriteLine($"{n} queries"); }),
                ct);
            if (report.Queries == 0) throw new CliException("No query in the queries file has a relevant judgement in the qrels file.");

            var index = services.GetRequiredService<IChunkIndex>();
            var stats = await index.GetStatsAsync(ct);
            var embedder = services.GetRequiredService<ModelCapabilities>().Embedder;
            // Which retrieval produced the figures, so a number is never read without its setup.
            var setup = new RetrievalSetup(
                retriever.IsHybrid ? "hybrid" : "lexical",
                embedder?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId,
                embedder is null ? null : embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions ?? stats.VectorDimensions,
                index.GetType().Name,
                stats.Chunks);
            if (json)
            {
                var node = JsonSerializer.SerializeToNode(report, CliOutput.Json)!.AsObject();
                node["retrieval"] = JsonSerializer.SerializeToNode(setup, CliOutput.Json);
                Console.Out.WriteLine(node.ToJsonString(CliOutput.Json));
            }
            else
            {
                Console.WriteLine($"{report.Queries} queries on '{target.Name}' ({(retriever.IsHybrid ? $"hybrid: lexical + dense, {setup.EmbeddingModel} ({setup.Dimensions} dimensions)" : "lexical only")}; index: {stats.Chunks} chunks)");
                Console.WriteLine($"nDCG@10    {report.Ndcg10:0.0000}");
                Console.WriteLine($"Recall@10  {report.Recall10:0.0000}");
                Console.WriteLine($"Recall@100 {report.Recall100:0.0000}");
                Console.WriteLine($"MRR@10     {report.Mrr10:0.0000}");
                Console.WriteLine($"latency    p50 {report.P50Ms:0.0} ms, p95 {report.P95Ms:0.0} ms");
            }
            return 0;
        }));
        return new Command("eval", "Measure the app's quality on a benchmark.") { retrieval, EvalAnswersCommand.Create() };
    }
}

/// <summary>What <c>eval retrieval</c> ran: lexical or hybrid, the embedding model and its vector size, the index and its size.</summary>
public sealed record RetrievalSetup(string Mode, string? EmbeddingModel, int? Dimensions, string Index, long IndexChunks);
