using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Tests.Evaluation;

public sealed class RetrievalMetricsTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-4000-8000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-4000-8000-00000000000b");
    private static readonly Guid C = Guid.Parse("00000000-0000-4000-8000-00000000000c");

    private static IndexedChunk Chunk(Guid doc, string name, int ordinal, int pageStart = 1, int pageEnd = 1) =>
        new(IndexedChunk.MakeId(doc, ordinal), doc, Guid.Empty, name, ordinal, pageStart, pageEnd, null, 0, 0, "text");

    private static List<(QrelTarget, int)> Relevant(params (string Id, int Grade)[] rows) =>
        rows.Select(r => (QrelTarget.Parse(r.Id), r.Grade)).ToList();

    [Fact]
    public void Ndcg_is_one_for_the_ideal_order_and_matches_a_hand_computed_value_otherwise()
    {
        Assert.Equal(1.0, RankingMetrics.Ndcg([2, 1, 0], [2, 1], 10), 10);
        // Relevant grades 1 at positions 2 and 3: DCG = 1/log2(3) + 1/log2(4); ideal = 1 + 1/log2(3).
        var expected = (1 / Math.Log2(3) + 0.5) / (1 + 1 / Math.Log2(3));
        Assert.Equal(expected, RankingMetrics.Ndcg([0, 1, 1], [1, 1], 10), 10);
        Assert.Equal(0, RankingMetrics.Ndcg([0, 0], [1], 10));
    }

    [Fact]
    public void Ndcg_only_counts_the_first_k_positions()
    {
        var gains = Enumerable.Repeat(0, 10).Append(1).ToList();
        Assert.Equal(0, RankingMetrics.Ndcg(gains, [1], 10));
        Assert.True(RankingMetrics.Ndcg(gains, [1], 11) > 0);
    }

    [Fact]
    public void Recall_and_reciprocal_rank_follow_their_definitions()
    {
        int[] gains = [0, 0, 1, 0, 1];
        Assert.Equal(0.5, RankingMetrics.Recall(gains, 4, 10));
        Assert.Equal(0.25, RankingMetrics.Recall(gains, 4, 3));
        Assert.Equal(1.0 / 3, RankingMetrics.ReciprocalRank(gains, 10), 10);
        Assert.Equal(0, RankingMetrics.ReciprocalRank(gains, 2));
    }

    [Fact]
    public void Percentiles_interpolate_between_ranks()
    {
        double[] values = [4, 1, 3, 2, 5];
        Assert.Equal(3, RankingMetrics.Percentile(values, 50));
        Assert.Equal(4.8, RankingMetrics.Percentile(values, 95), 10);
        Assert.Equal(0, RankingMetrics.Percentile([], 95));
    }

    [Fact]
    public void A_document_takes_the_position_of_its_best_passage_and_later_passages_take_none()
    {
        var ranked = new[] { Chunk(A, "a.pdf", 0), Chunk(B, "b.pdf", 0), Chunk(A, "a.pdf", 1), Chunk(C, "c.pdf", 0) };

        var gains = RetrievalEvaluator.Gains(ranked, Relevant(("c", 1)), 100);

        Assert.Equal([0, 0, 1], gains);
    }

    [Fact]
    public void Qrels_name_a_document_by_id_file_name_or_name_without_extension()
    {
        var ranked = new[] { Chunk(A, "4983", 0), Chunk(B, "report.pdf", 0), Chunk(C, "notes.md", 0) };

        var gains = RetrievalEvaluator.Gains(ranked, Relevant(("4983", 1), ("report.pdf", 2), ("notes", 1)), 100);

        Assert.Equal([1, 2, 1], gains);
    }

    [Fact]
    public void A_page_target_is_met_only_by_a_passage_whose_page_span_contains_it()
    {
        var ranked = new[]
        {
            Chunk(A, "report.pdf", 0, 1, 2), // document listed, page 3 not in it
            Chunk(A, "report.pdf", 1, 3, 4), // meets report.pdf#3
            Chunk(B, "other.pdf", 0, 3, 3),
        };

        var gains = RetrievalEvaluator.Gains(ranked, Relevant(("report.pdf#3", 1)), 100);

        Assert.Equal([0, 1, 0], gains);
        Assert.Equal(new QrelTarget("x#12", "x", 12), QrelTarget.Parse("x#12"));
        Assert.Null(QrelTarget.Parse("x#y").Page);
    }

    [Fact]
    public async Task The_evaluator_averages_over_queries_that_have_judgements()
    {
        var folder = Directory.CreateTempSubdirectory("privaterag-eval-").FullName;
        try
        {
            var queries = Path.Combine(folder, "queries.jsonl");
            var qrels = Path.Combine(folder, "qrels.tsv");
            await File.WriteAllLinesAsync(queries, [
                """{"_id": "q1", "text": "first"}""",
                """{"_id": "q2", "text": "second"}""",
                """{"_id": "q3", "text": "unjudged"}""",
            ]);
            await File.WriteAllLinesAsync(qrels, ["query-id\tcorpus-id\tscore", "q1\ta\t1", "q2\tb\t1", "q2\ta\t0"]);

            var (report, perQuery) = await RetrievalEvaluator.EvaluateAsync(
                await BeirFiles.ReadQueriesAsync(queries), await BeirFiles.ReadQrelsAsync(qrels),
                (q, _) => Task.FromResult<IReadOnlyList<IndexedChunk>>([Chunk(A, "a", 0), Chunk(B, "b", 0)]));

            Assert.Equal(2, report.Queries);
            Assert.Equal(2, perQuery.Count);
            Assert.Equal(0.75, report.Mrr10, 4);            // 1 and 1/2
            Assert.Equal(1.0, report.Recall10, 4);
            Assert.True(report.P95Ms >= report.P50Ms);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
