using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Benchmarks;

/// <summary>
/// <c>index --vectors N --dimensions D --filter-keep 1.0,0.1,0.01 [--collections 100] [--queries 200]
/// [--data clustered|random] [--rescore 1000] [--exact-below 20000] [--readers-keep 0.01] [--folder DIR] [--json]</c>:
/// writes N chunks with D-dimensional vectors into the embedded index (spread evenly over the collections), then runs
/// dense searches whose permission filter keeps the given share of the collections. With <c>--readers-keep</c>, it
/// then narrows documents instead (per-document access: every collection readable, all but the given share of the
/// documents narrowed to another user, set in place with <c>SetDocumentReadersAsync</c>) and runs the same queries,
/// dense and lexical, as a plain user. Recall@10 is measured against exact search over the same vectors and filter,
/// computed in this run.
/// </summary>
public static class IndexBenchmark
{
    public sealed record FilterResult(double FilterKeep, int Collections, long VectorsSearched, double P50Ms, double P95Ms,
        double Recall10, double ExactP50Ms, double ExactP95Ms);

    public sealed record Report(int Vectors, int Dimensions, string Data, int Collections, int Queries, double IndexSeconds,
        double ChunksPerSecond, double LoadSeconds, double MemoryBytesPerChunk, int ExactBelow, int Rescore,
        IReadOnlyList<FilterResult> Results, IReadOnlyList<ReadersResult> DocumentFilterResults);

    /// <summary>Per-document filter: <paramref name="UpdateSeconds"/> to set the readers of every document in place.</summary>
    public sealed record ReadersResult(double ReadersKeep, int VisibleDocuments, long VectorsSearched, double P50Ms, double P95Ms,
        double Recall10, double LexicalP50Ms, double LexicalP95Ms, double UpdateSeconds);

    public static async Task<int> RunAsync(BenchmarkArgs args)
    {
        var n = args.GetInt("--vectors", 100_000);
        var d = args.GetInt("--dimensions", 384);
        var keeps = args.GetDoubles("--filter-keep", 1.0, 0.1, 0.01);
        var collectionCount = args.GetInt("--collections", 100);
        var queryCount = args.GetInt("--queries", 200);
        var data = args.Get("--data") ?? "clustered";
        var rescore = args.GetInt("--rescore", 1_000);
        var exactBelow = args.GetInt("--exact-below", 20_000);
        IReadOnlyList<double> readerKeeps = args.Get("--readers-keep") is null ? [] : args.GetDoubles("--readers-keep");
        var folder = args.Get("--folder") ?? Path.Combine(Path.GetTempPath(), "privaterag-index-bench-" + Guid.NewGuid().ToString("N"));
        var log = args.Json ? TextWriter.Null : Console.Out;

        var random = new Random(42);
        var collections = Enumerable.Range(0, collectionCount).Select(i => new Guid(i + 1, 0, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0)).ToArray();
        var vectors = Generate(random, n, d, data, out var centers);
        var queries = GenerateQueries(random, queryCount, d, data, centers);

        try
        {
            using var index = new EmbeddedChunkIndex(new EmbeddedChunkIndexOptions
            {
                DatabasePath = Path.Combine(folder, "chunks.db"),
                ExactSearchBelow = exactBelow,
                RescoreCandidates = rescore,
            });

            // Indexing: documents of 1,000 chunks, each document in one collection.
            log.WriteLine($"writing {n:N0} chunks of {d} dimensions ({data}) into {collectionCount} collections...");
            var clock = Stopwatch.StartNew();
            const int perDocument = 1_000;
            for (var start = 0; start < n; start += perDocument)
            {
                var doc = DocumentId(start / perDocument);
                var collection = collections[(start / perDocument) % collectionCount];
                var chunks = new List<IndexedChunk>(perDocument);
                for (var i = start; i < Math.Min(n, start + perDocument); i++)
                {
                    chunks.Add(new IndexedChunk(ChunkId(i), doc, collection, "doc.txt", i - start, 1, 1, null, 0, 10,
                        $"passage {i}", vectors.AsSpan(i * d, d).ToArray()));
                }
                await index.ReplaceDocumentAsync(doc, chunks);
            }
            var indexSeconds = clock.Elapsed.TotalSeconds;
            log.WriteLine($"indexed in {indexSeconds:0.0} s ({n / indexSeconds:N0} chunks/s)");

            // First search loads the partitions; memory is measured around it.
            var before = GC.GetTotalMemory(true);
            clock.Restart();
            await index.SearchDenseAsync(queries[0], new IndexFilter(collections), 10);
            var loadSeconds = clock.Elapsed.TotalSeconds;
            var memoryPerChunk = (double)(GC.GetTotalMemory(true) - before) / n;
            log.WriteLine($"loaded vectors in {loadSeconds:0.0} s, {memoryPerChunk:N0} bytes per chunk in memory");

            var collectionOf = new int[n];
            for (var i = 0; i < n; i++) collectionOf[i] = (i / perDocument) % collectionCount;

            var results = new List<FilterResult>();
            foreach (var keep in keeps)
            {
                var kept = Math.Clamp((int)Math.Round(collectionCount * keep), 1, collectionCount);
                var filter = new IndexFilter(collections.Take(kept).ToArray());
                var rows = Enumerable.Range(0, n).Where(i => collectionOf[i] < kept).ToArray();
                var latencies = new List<double>(queryCount);
                var exactLatencies = new List<double>(queryCount);
                double recall = 0;
                for (var w = 0; w < 5; w++) await index.SearchDenseAsync(queries[w % queryCount], filter, 10);
                foreach (var q in queries)
                {
                    clock.Restart();
                    var hits = await index.SearchDenseAsync(q, filter, 10);
                    latencies.Add(clock.Elapsed.TotalMilliseconds);

                    clock.Restart();
                    var truth = ExactTop10(vectors, d, rows, q);
                    exactLatencies.Add(clock.Elapsed.TotalMilliseconds);
                    var found = hits.Select(h => h.Chunk.Id).ToHashSet(StringComparer.Ordinal);
                    recall += (double)truth.Count(i => found.Contains(ChunkId(i))) / Math.Max(1, truth.Count);
                }
                var result = new FilterResult(keep, kept, rows.LongLength,
                    Math.Round(RankingMetrics.Percentile(latencies, 50), 3), Math.Round(RankingMetrics.Percentile(latencies, 95), 3),
                    Math.Round(recall / queryCount, 4),
                    Math.Round(RankingMetrics.Percentile(exactLatencies, 50), 3), Math.Round(RankingMetrics.Percentile(exactLatencies, 95), 3));
                results.Add(result);
                log.WriteLine($"filter-keep {keep}: {rows.Length:N0} vectors, p50 {result.P50Ms} ms, p95 {result.P95Ms} ms, " +
                              $"recall@10 {result.Recall10} (exact scan p50 {result.ExactP50Ms} ms, p95 {result.ExactP95Ms} ms)");
            }

            var readerResults = new List<ReadersResult>();
            var documentCount = (n + perDocument - 1) / perDocument;
            var all = new IndexFilter(collections, ["u:reader"]);
            foreach (var keep in readerKeeps)
            {
                var visible = Math.Clamp((int)Math.Round(documentCount * keep), 1, documentCount);
                clock.Restart();
                for (var doc = 0; doc < documentCount; doc++)
                    await index.SetDocumentReadersAsync(DocumentId(doc), doc < visible ? null : ["u:owner"]);
                var updateSeconds = clock.Elapsed.TotalSeconds;
                var rows = Enumerable.Range(0, n).Where(i => i / perDocument < visible).ToArray();
                var latencies = new List<double>(queryCount);
                var lexical = new List<double>(queryCount);
                double recall = 0;
                for (var w = 0; w < 5; w++) await index.SearchDenseAsync(queries[w % queryCount], all, 10);
                var qi = 0;
                foreach (var q in queries)
                {
                    clock.Restart();
                    var hits = await index.SearchDenseAsync(q, all, 10);
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    await index.SearchLexicalAsync($"passage {qi++ * 7919 % n}", all, 10);
                    lexical.Add(clock.Elapsed.TotalMilliseconds);
                    var truth = ExactTop10(vectors, d, rows, q);
                    var found = hits.Select(h => h.Chunk.Id).ToHashSet(StringComparer.Ordinal);
                    recall += (double)truth.Count(i => found.Contains(ChunkId(i))) / Math.Max(1, truth.Count);
                }
                var result = new ReadersResult(keep, visible, rows.LongLength,
                    Math.Round(RankingMetrics.Percentile(latencies, 50), 3), Math.Round(RankingMetrics.Percentile(latencies, 95), 3),
                    Math.Round(recall / queryCount, 4), Math.Round(RankingMetrics.Percentile(lexical, 50), 3),
                    Math.Round(RankingMetrics.Percentile(lexical, 95), 3), Math.Round(updateSeconds, 2));
                readerResults.Add(result);
                log.WriteLine($"readers-keep {keep}: {visible} of {documentCount} documents visible ({rows.Length:N0} vectors), dense p50 {result.P50Ms} ms, " +
                              $"p95 {result.P95Ms} ms, recall@10 {result.Recall10}; lexical p50 {result.LexicalP50Ms} ms, p95 {result.LexicalP95Ms} ms; " +
                              $"readers set in {result.UpdateSeconds} s");
            }

            var report = new Report(n, d, data, collectionCount, queryCount, Math.Round(indexSeconds, 2), Math.Round(n / indexSeconds),
                Math.Round(loadSeconds, 2), Math.Round(memoryPerChunk), exactBelow, rescore, results, readerResults);
            if (args.Json) Console.WriteLine(JsonSerializer.Serialize(report, BenchmarkArgs.JsonOptions));
            return 0;
        }
        finally
        {
            if (args.Get("--folder") is null)
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }
    }

    private static string ChunkId(int i) => $"c{i:D8}";

    private static Guid DocumentId(int document)
    {
        var bytes = new Guid(0, 0, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0).ToByteArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), document + 1);
        return new Guid(bytes);
    }

    /// <summary>
    /// Unit vectors. "random": uniform on the sphere. "clustered": around 1,000 random centres with noise, which
    /// is closer to how text embeddings cluster by topic.
    /// </summary>
    private static float[] Generate(Random random, int n, int d, string data, out float[] centers)
    {
        centers = RandomUnit(random, 1_000, d);
        if (data == "random") return RandomUnit(random, n, d);
        var vectors = new float[(long)n * d];
        var noise = new float[d];
        for (var i = 0; i < n; i++)
        {
            var row = vectors.AsSpan(i * d, d);
            Gaussian(random, noise);
            TensorPrimitives.Multiply(noise, 1.0f / MathF.Sqrt(d), noise);
            TensorPrimitives.Add(centers.AsSpan(random.Next(1_000) * d, d), noise, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }
        return vectors;
    }

    private static float[][] GenerateQueries(Random random, int count, int d, string data, float[] centers)
    {
        var all = Generate(random, count, d, data, out _);
        if (data != "random")
        {
            // Queries near the same centres as the corpus.
            all = new float[(long)count * d];
            var noise = new float[d];
            for (var i = 0; i < count; i++)
            {
                var row = all.AsSpan(i * d, d);
                Gaussian(random, noise);
                TensorPrimitives.Multiply(noise, 1.0f / MathF.Sqrt(d), noise);
                TensorPrimitives.Add(centers.AsSpan(random.Next(1_000) * d, d), noise, row);
                TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            }
        }
        return Enumerable.Range(0, count).Select(i => all.AsSpan(i * d, d).ToArray()).ToArray();
    }

    private static float[] RandomUnit(Random random, int n, int d)
    {
        var v = new float[(long)n * d];
        for (var i = 0; i < n; i++)
        {
            var row = v.AsSpan(i * d, d);
            Gaussian(random, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }
        return v;
    }

    private static void Gaussian(Random random, Span<float> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            into[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }

    private static List<int> ExactTop10(float[] vectors, int d, int[] rows, float[] query)
    {
        var best = new PriorityQueue<int, float>(11);
        foreach (var i in rows)
        {
            var score = TensorPrimitives.Dot(vectors.AsSpan(i * d, d), query);
            if (best.Count < 10) best.Enqueue(i, score);
            else if (best.TryPeek(out _, out var min) && score > min) best.EnqueueDequeue(i, score);
        }
        return best.UnorderedItems.Select(e => e.Element).ToList();
    }
}
