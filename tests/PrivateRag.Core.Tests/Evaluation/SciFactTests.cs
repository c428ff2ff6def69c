using Microsoft.Extensions.Logging.Abstractions;
using PrivateRag.Core;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Indexing.Embedded;
using PrivateRag.Core.Retrieval;
using PrivateRag.Tests;
using Xunit.Abstractions;

namespace PrivateRag.Core.Tests.Evaluation;

/// <summary>
/// The lexical retrieval quality gate on the real SciFact train split (../shared/eval/scifact). It takes ~20 s
/// on an idle 2-core machine, so it runs only when <c>PRIVATERAG_EVAL=1</c> (and ../shared is present).
/// </summary>
public sealed class SciFactTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Lexical_retrieval_beats_the_published_bm25_baseline_on_scifact_train()
    {
        Skip.IfNot(SharedData.Available, SharedData.MissingReason);
        Skip.IfNot(Environment.GetEnvironmentVariable("PRIVATERAG_EVAL") == "1", "Set PRIVATERAG_EVAL=1 to run the SciFact evaluation (~20 s).");
        var dir = SharedData.File("eval/scifact");
        Assert.NotNull(dir);
        var folder = Directory.CreateTempSubdirectory("privaterag-scifact-").FullName;
        try
        {
            var collection = Guid.NewGuid();
            using (var index = new EmbeddedChunkIndex(Path.Combine(folder, "chunks.db")))
            {
                await BeirCorpusIndexer.IndexAsync(index, collection, BeirFiles.ReadCorpusAsync(Path.Combine(dir!, "corpus.jsonl.gz")));
                var retriever = new HybridRetriever(index, Microsoft.Extensions.Options.Options.Create(new RetrievalOptions()), ModelCapabilities.None, NullLogger<HybridRetriever>.Instance);

                var (report, _) = await RetrievalEvaluator.EvaluateAsync(
                    await BeirFiles.ReadQueriesAsync(Path.Combine(dir!, "queries.train.jsonl")),
                    await BeirFiles.ReadQrelsAsync(Path.Combine(dir!, "qrels.train.tsv")),
                    async (q, ct) => (await retriever.SearchAsync(new SearchRequest(q, [collection], 100), ct)).Select(r => r.Chunk).ToList());

                output.WriteLine(report.ToString());
                Assert.Equal(809, report.Queries);
                Assert.True(report.Ndcg10 >= 0.68, $"nDCG@10 {report.Ndcg10} is below 0.68");
                Assert.True(report.Recall100 >= 0.90, $"Recall@100 {report.Recall100} is below 0.90");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

}
