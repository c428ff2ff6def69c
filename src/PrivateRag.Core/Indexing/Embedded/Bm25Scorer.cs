namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>Token counts of one chunk's three indexed fields (text, heading path, document name + context).</summary>
public readonly record struct FieldLengths(int Text, int Heading, int Document)
{
    public long Total => (long)Text + Heading + Document;
}

/// <summary>
/// What BM25 needs to know about the passages a caller may read: how many there are and how many tokens each field
/// holds in all of them. Built from the per-collection totals of the readable collections only, so text in a collection
/// the caller cannot read never changes the caller's scores.
/// </summary>
public readonly record struct Bm25Statistics(long Chunks, long TextTokens, long HeadingTokens, long DocumentTokens)
{
    public long TotalTokens => TextTokens + HeadingTokens + DocumentTokens;

    public double AverageLength => Chunks == 0 ? 0 : (double)TotalTokens / Chunks;
}

/// <summary>
/// Okapi BM25 over field-weighted term frequencies (the formula of SQLite FTS5's <c>bm25()</c>, with k1 and b
/// configurable and the statistics supplied by the caller):
/// <c>score(d) = Σ_terms idf(t) · f(t,d)·(k1+1) / (f(t,d) + k1·(1 − b + b·|d| / avgdl))</c>, where f is the weighted sum
/// of the term's occurrences in the three fields, |d| the chunk's token count over all fields, and
/// <c>idf(t) = ln((N − n(t) + 0.5) / (n(t) + 0.5))</c>, floored at 1e-6 like FTS5 so a very common word still counts
/// a little. N, avgdl and n(t) are those of the readable passages only.
/// </summary>
public sealed class Bm25Scorer
{
    private readonly Bm25Options _options;
    private readonly Bm25Statistics _statistics;
    private readonly double[] _weights;

    public Bm25Scorer(Bm25Options options, Bm25Statistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _statistics = statistics;
        _weights = [options.TextWeight, options.HeadingWeight, options.DocumentWeight];
    }

    /// <summary>FTS5's idf: ln((N − n + 0.5) / (n + 0.5)), and 1e-6 when that is not positive.</summary>
    public double Idf(long matchingChunks)
    {
        var idf = Math.Log((_statistics.Chunks - matchingChunks + 0.5) / (matchingChunks + 0.5));
        return idf > 0 ? idf : 1e-6;
    }

    /// <summary>The weighted frequency f(t,d) of one term from its occurrences per field (0 text, 1 heading, 2 document).</summary>
    public double WeightedFrequency(ReadOnlySpan<int> countsByField)
    {
        var f = 0.0;
        for (var i = 0; i < countsByField.Length && i < _weights.Length; i++) f += _weights[i] * countsByField[i];
        return f;
    }

    /// <summary>One term's contribution to a chunk's score.</summary>
    public double Term(double idf, double weightedFrequency, FieldLengths lengths)
    {
        if (weightedFrequency <= 0) return 0;
        var k1 = _options.K1;
        var b = _options.B;
        var average = _statistics.AverageLength;
        var norm = average > 0 ? 1 - b + b * lengths.Total / average : 1;
        return idf * weightedFrequency * (k1 + 1) / (weightedFrequency + k1 * norm);
    }
}
