using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Retrieval;

/// <summary>Score fusion (reciprocal rank, or normalised scores) and near-duplicate removal, the pure parts of hybrid retrieval.</summary>
public static class RankFusion
{
    /// <summary>
    /// Fuses ranked lists by reciprocal rank: each chunk scores the sum of 1 / (k + rank) (rank from 1) over the
    /// lists that contain it. Ties keep the order of the better single rank, then of the first list.
    /// </summary>
    public static IReadOnlyList<SearchResult> Fuse(IReadOnlyList<ChunkHit> lexical, IReadOnlyList<ChunkHit> dense, int k)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        ArgumentNullException.ThrowIfNull(dense);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        for (var i = 0; i < lexical.Count; i++)
        {
            var e = Get(entries, lexical[i].Chunk, i);
            if (e.Lexical is not null) continue; // a list repeating a chunk counts it once
            e.Lexical = lexical[i].Score;
            e.Score += 1.0 / (k + i + 1);
        }
        for (var i = 0; i < dense.Count; i++)
        {
            var e = Get(entries, dense[i].Chunk, i);
            if (e.Dense is not null) continue;
            e.Dense = dense[i].Score;
            e.Score += 1.0 / (k + i + 1);
        }
        return entries.Values
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.BestRank)
            .ThenBy(e => e.Order)
            .Select(e => new SearchResult(e.Chunk, e.Score, e.Lexical, e.Dense))
            .ToList();

        static Entry Get(Dictionary<string, Entry> entries, IndexedChunk chunk, int rank)
        {
            if (!entries.TryGetValue(chunk.Id, out var entry))
            {
                entry = new Entry(chunk, entries.Count) { BestRank = rank };
                entries.Add(chunk.Id, entry);
            }
            entry.BestRank = Math.Min(entry.BestRank, rank);
            return entry;
        }
    }

    /// <summary>
    /// Fuses by normalised scores: each list's scores become z-scores over that list ((s − mean) / standard deviation),
    /// a chunk missing from a list gets that list's lowest z-score (it scored no better than the worst candidate
    /// returned), and the fused score is <c>lexicalWeight · z_lexical + denseWeight · z_dense</c>. Unlike reciprocal
    /// ranks this keeps how far ahead a hit is: a lexical hit with a rare exact term well above the rest is not
    /// flattened to "rank 1" next to a dense rank 1 that barely leads. Ties: document name, ordinal, chunk id.
    /// </summary>
    public static IReadOnlyList<SearchResult> FuseScores(IReadOnlyList<ChunkHit> lexical, IReadOnlyList<ChunkHit> dense,
        double lexicalWeight, double denseWeight)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        ArgumentNullException.ThrowIfNull(dense);
        var lexicalZ = ZScores(lexical);
        var denseZ = ZScores(dense);
        var entries = new Dictionary<string, (IndexedChunk Chunk, double? Lexical, double? Dense, double? ZL, double? ZD)>(StringComparer.Ordinal);
        for (var i = 0; i < lexical.Count; i++)
        {
            var id = lexical[i].Chunk.Id;
            if (entries.ContainsKey(id)) continue;
            entries[id] = (lexical[i].Chunk, lexical[i].Score, null, lexicalZ.Scores[i], null);
        }
        for (var i = 0; i < dense.Count; i++)
        {
            var id = dense[i].Chunk.Id;
            if (entries.TryGetValue(id, out var e))
            {
                if (e.ZD is null) entries[id] = e with { Dense = dense[i].Score, ZD = denseZ.Scores[i] };
                continue;
            }
            entries[id] = (dense[i].Chunk, null, dense[i].Score, null, denseZ.Scores[i]);
        }
        return entries.Values
            .Select(e => new SearchResult(e.Chunk,
                lexicalWeight * (e.ZL ?? lexicalZ.Floor) + denseWeight * (e.ZD ?? denseZ.Floor), e.Lexical, e.Dense))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Chunk.DocumentName, StringComparer.Ordinal)
            .ThenBy(r => r.Chunk.Ordinal)
            .ThenBy(r => r.Chunk.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Each hit's z-score within its list, and the lowest one (0 for an empty or constant list).</summary>
    private static (double[] Scores, double Floor) ZScores(IReadOnlyList<ChunkHit> hits)
    {
        var z = new double[hits.Count];
        if (hits.Count == 0) return (z, 0);
        var mean = hits.Average(h => h.Score);
        var variance = hits.Sum(h => (h.Score - mean) * (h.Score - mean)) / hits.Count;
        var sd = Math.Sqrt(variance);
        if (!(sd > 1e-12)) return (z, 0);
        for (var i = 0; i < hits.Count; i++) z[i] = (hits[i].Score - mean) / sd;
        return (z, z.Min());
    }

    /// <summary>
    /// Keeps results in order, skipping any that is a near duplicate of one already kept, until
    /// <paramref name="top"/> are kept.
    /// </summary>
    public static IReadOnlyList<SearchResult> RemoveNearDuplicates(IEnumerable<SearchResult> ordered, int top)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var kept = new List<SearchResult>();
        var keptShingles = new List<HashSet<int>>();
        foreach (var candidate in ordered)
        {
            if (kept.Count >= top) break;
            HashSet<int>? shingles = null;
            var duplicate = false;
            for (var i = 0; i < kept.Count && !duplicate; i++)
            {
                var other = kept[i].Chunk;
                if (other.DocumentId != candidate.Chunk.DocumentId) continue;
                if (other.Id == candidate.Chunk.Id || RangesOverlapHeavily(other, candidate.Chunk))
                {
                    duplicate = true;
                    break;
                }
                shingles ??= Shingles(candidate.Chunk.Text);
                duplicate = Containment(shingles, keptShingles[i]) >= TextContainmentThreshold;
            }
            if (duplicate) continue;
            kept.Add(candidate);
            keptShingles.Add(shingles ?? Shingles(candidate.Chunk.Text));
        }
        return kept;
    }

    /// <summary>Two passages of one document whose character ranges share at least this part of the shorter are duplicates.</summary>
    public const double RangeOverlapThreshold = 0.5;

    /// <summary>Two passages of one document sharing at least this part of the smaller one's word 3-grams are duplicates.</summary>
    public const double TextContainmentThreshold = 0.8;

    private static bool RangesOverlapHeavily(IndexedChunk a, IndexedChunk b)
    {
        var lengthA = a.CharEnd - a.CharStart;
        var lengthB = b.CharEnd - b.CharStart;
        if (lengthA <= 0 || lengthB <= 0) return false; // ranges unknown: the text decides
        var overlap = Math.Min(a.CharEnd, b.CharEnd) - Math.Max(a.CharStart, b.CharStart);
        return overlap > 0 && overlap >= RangeOverlapThreshold * Math.Min(lengthA, lengthB);
    }

    private static double Containment(HashSet<int> a, HashSet<int> b)
    {
        if (a.Count == 0 || b.Count == 0) return 0;
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var shared = 0;
        foreach (var s in small)
        {
            if (large.Contains(s)) shared++;
        }
        return (double)shared / small.Count;
    }

    private static HashSet<int> Shingles(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0) start = i;
            else if (!isWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        var set = new HashSet<int>();
        if (words.Count < 3)
        {
            if (words.Count > 0) set.Add(string.GetHashCode(string.Join(' ', words), StringComparison.Ordinal));
            return set;
        }
        for (var i = 0; i + 2 < words.Count; i++)
        {
            set.Add(HashCode.Combine(
                string.GetHashCode(words[i], StringComparison.Ordinal),
                string.GetHashCode(words[i + 1], StringComparison.Ordinal),
                string.GetHashCode(words[i + 2], StringComparison.Ordinal)));
        }
        return set;
    }

    private sealed class Entry(IndexedChunk chunk, int order)
    {
        public IndexedChunk Chunk { get; } = chunk;
        public int Order { get; } = order;
        public int BestRank { get; set; }
        public double Score { get; set; }
        public double? Lexical { get; set; }
        public double? Dense { get; set; }
    }
}
