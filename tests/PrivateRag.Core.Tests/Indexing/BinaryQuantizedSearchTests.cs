using System.Numerics.Tensors;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Tests.Indexing;

public sealed class BinaryQuantizedSearchTests
{
    [Fact]
    public void Above_the_exact_threshold_binary_candidates_rescored_exactly_find_the_clustered_neighbours()
    {
        const int d = 64, n = 6_000;
        var random = new Random(7);
        var centres = Enumerable.Range(0, 50).Select(_ => Unit(random, d)).ToArray();
        var partitions = new[] { new FlatVectorPartition(Guid.NewGuid(), d), new FlatVectorPartition(Guid.NewGuid(), d) };
        var rows = new List<float[]>();
        for (var i = 0; i < n; i++)
        {
            var v = Noisy(random, centres[random.Next(centres.Length)]);
            rows.Add(v);
            partitions[i % 2].Add(i, Guid.NewGuid(), v);
        }
        var recall = 0.0;
        for (var q = 0; q < 20; q++)
        {
            var query = Noisy(random, centres[random.Next(centres.Length)]);
            var exact = rows.Select((v, i) => (i, s: TensorPrimitives.Dot(v, query))).OrderByDescending(x => x.s).Take(10).Select(x => (long)x.i).ToHashSet();

            var approximate = DenseSearch.Run(partitions, query, 10, exactBelow: 100, rescore: 300);

            Assert.Equal(10, approximate.Count);
            recall += approximate.Count(r => exact.Contains(r.Seq)) / 10.0;
        }
        Assert.True(recall / 20 >= 0.95, $"recall@10 {recall / 20}");
        foreach (var p in partitions) p.Dispose();
    }

    [Fact]
    public void Rescoring_skips_rows_removed_since_they_were_collected()
    {
        using var partition = new FlatVectorPartition(Guid.NewGuid(), 4);
        var doc = Guid.NewGuid();
        partition.Add(1, doc, [1, 0, 0, 0]);
        partition.Add(2, Guid.NewGuid(), [0, 1, 0, 0]);
        partition.RemoveDocument(doc);
        var collector = new TopKCollector(5);

        partition.Rescore([1, 2], [1, 0, 0, 0], collector);

        Assert.Equal(2, Assert.Single(collector.Results()).Seq);
    }

    private static float[] Unit(Random random, int d)
    {
        var v = Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float[] Noisy(Random random, float[] centre)
    {
        var v = Unit(random, centre.Length);
        TensorPrimitives.Multiply(v, 0.5f, v);
        TensorPrimitives.Add(v, centre, v);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
