using System.Diagnostics;
using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Evaluation;

/// <summary>The averages over the evaluated queries (those with at least one relevant judgement).</summary>
public sealed record RetrievalReport(int Queries, double Ndcg10, double Recall10, double Recall100, double Mrr10, double P50Ms, double P95Ms);

/// <summary>One query's figures, for analysis.</summary>
public sealed record QueryResult(string QueryId, double Ndcg10, double Recall10, double Recall100, double Mrr10, double Milliseconds);

/// <summary>
/// Runs BEIR-style queries through a search and scores the ranked passages against qrels at document level: a
/// document's position is the best rank of any of its passages, and further passages of a document already
/// listed do not take positions. A page target (<c>NAME#PAGE</c>) is met by the first passage of that document
/// whose page span contains the page; meeting it takes a position of its own.
/// </summary>
public static class RetrievalEvaluator
{
    /// <summary>How many positions are scored (Recall@100 needs 100).</summary>
    public const int Depth = 100;

    public static async Task<(RetrievalReport Report, IReadOnlyList<QueryResult> PerQuery)> EvaluateAsync(
        IReadOnlyList<BeirQuery> queries,
        Qrels qrels,
        Func<string, CancellationToken, Task<IReadOnlyList<IndexedChunk>>> search,
        IProgress<int>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(qrels);
        ArgumentNullException.ThrowIfNull(search);

        var judged = queries.Select(q => (Query: q, Relevant: qrels.RelevantFor(q.Id))).Where(q => q.Relevant.Count > 0).ToList();
        if (judged.Count == 0) return (new RetrievalReport(0, 0, 0, 0, 0, 0, 0), []);

        // One warm-up search (connections, caches, JIT) that is not timed.
        await search(judged[0].Query.Text, ct);

        var results = new List<QueryResult>(judged.Count);
        foreach (var (query, relevant) in judged)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var ranked = await search(query.Text, ct);
            var ms = clock.Elapsed.TotalMilliseconds;
            var gains = Gains(ranked, relevant, Depth);
            var grades = relevant.Select(r => r.Grade).ToList();
            results.Add(new QueryResult(query.Id,
                RankingMetrics.Ndcg(gains, grades, 10),
                RankingMetrics.Recall(gains, relevant.Count, 10),
                RankingMetrics.Recall(gains, relevant.Count, 100),
                RankingMetrics.ReciprocalRank(gains, 10),
                ms));
            progress?.Report(results.Count);
        }

        var latencies = results.Select(r => r.Milliseconds).ToList();
        var report = new RetrievalReport(
            results.Count,
            Round(results.Average(r => r.Ndcg10)),
            Round(results.Average(r => r.Recall10)),
            Round(results.Average(r => r.Recall100)),
            Round(results.Average(r => r.Mrr10)),
            Math.Round(RankingMetrics.Percentile(latencies, 50), 2),
            Math.Round(RankingMetrics.Percentile(latencies, 95), 2));
        return (report, results);
    }

    /// <summary>
    /// The gain at each position of a ranked list of passages, for the given relevant targets (see the class
    /// remarks), up to <paramref name="depth"/> positions.
    /// </summary>
    public static IReadOnlyList<int> Gains(IReadOnlyList<IndexedChunk> ranked, IReadOnlyList<(QrelTarget Target, int Grade)> relevant, int depth)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < relevant.Count; i++)
        {
            var name = relevant[i].Target.Name;
            if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
            list.Add(i);
        }

        var gains = new List<int>(depth);
        var met = new bool[relevant.Count];
        var listedDocuments = new HashSet<Guid>();
        var newlyMet = new List<int>();
        foreach (var chunk in ranked)
        {
            if (gains.Count >= depth) break;
            newlyMet.Clear();
            foreach (var name in QrelTarget.NamesOf(chunk.DocumentName, chunk.DocumentId).Distinct(StringComparer.Ordinal))
            {
                if (!byName.TryGetValue(name, out var indices)) continue;
                foreach (var i in indices)
                {
                    if (!met[i] && relevant[i].Target.IsMetBy(chunk.PageStart, chunk.PageEnd) && !newlyMet.Contains(i)) newlyMet.Add(i);
                }
            }

            if (newlyMet.Count == 0)
            {
                // A passage that meets nothing new takes a position only as its document's first passage.
                if (listedDocuments.Add(chunk.DocumentId)) gains.Add(0);
                continue;
            }
            listedDocuments.Add(chunk.DocumentId);
            foreach (var i in newlyMet.OrderByDescending(i => relevant[i].Grade))
            {
                met[i] = true;
                if (gains.Count < depth) gains.Add(relevant[i].Grade);
            }
        }
        return gains;
    }

    private static double Round(double value) => Math.Round(value, 4);
}
