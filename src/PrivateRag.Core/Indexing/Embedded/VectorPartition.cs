using System.Numerics;
using System.Numerics.Tensors;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// The vectors of one collection, held in memory for dense search. The cache only uses this seam, so another
/// partition (an HNSW graph, say) can replace <see cref="FlatVectorPartition"/> without touching the index.
/// Implementations are safe for concurrent searches and serialised mutations.
/// </summary>
internal interface IVectorPartition : IDisposable
{
    Guid CollectionId { get; }

    int Dimensions { get; }

    int Count { get; }

    /// <summary>The collection's write generation this partition reflects (see the <c>collection_generations</c> table).</summary>
    long Generation { get; set; }

    /// <summary>Adds one row; the vector is copied (and normalised by implementations that search by cosine).</summary>
    void Add(long seq, Guid documentId, ReadOnlySpan<float> vector);

    /// <summary>Removes every row of one document; returns how many were removed.</summary>
    int RemoveDocument(Guid documentId);

    /// <summary>
    /// Offers every row's exact score for a unit-length query to the collector, skipping rows of
    /// <paramref name="hidden"/> documents (those whose readers exclude the caller).
    /// </summary>
    void Search(ReadOnlySpan<float> unitQuery, TopKCollector collector, IReadOnlySet<Guid>? hidden = null);

    /// <summary>
    /// Offers every row's Hamming distance between its sign code and the query's (see <see cref="BinaryCode"/>),
    /// skipping rows of <paramref name="hidden"/> documents.
    /// </summary>
    void CollectCandidates(ReadOnlySpan<ulong> queryCode, CandidateCollector candidates, IReadOnlySet<Guid>? hidden = null);

    /// <summary>Offers the exact scores of the given rows (those still present) to the collector.</summary>
    void Rescore(IEnumerable<long> seqs, ReadOnlySpan<float> unitQuery, TopKCollector collector);
}

/// <summary>
/// Exact and binary-quantised search over one contiguous row-major array of unit vectors: beside each float32
/// row it keeps a sign code (one bit per dimension), so a large search can first rank all rows by Hamming
/// distance (a few popcounts per row) and then rescore only the best candidates exactly (see <see cref="DenseSearch"/>).
/// </summary>
internal sealed class FlatVectorPartition : IVectorPartition
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly int _words;
    private float[] _data;
    private ulong[] _codes;
    private long[] _seqs;
    private Guid[] _documents;
    private readonly Dictionary<long, int> _rowOfSeq = [];
    private int _count;

    public FlatVectorPartition(Guid collectionId, int dimensions, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        CollectionId = collectionId;
        Dimensions = dimensions;
        _words = BinaryCode.Words(dimensions);
        capacity = Math.Max(capacity, 4);
        _data = new float[(long)capacity * dimensions];
        _codes = new ulong[(long)capacity * _words];
        _seqs = new long[capacity];
        _documents = new Guid[capacity];
    }

    public Guid CollectionId { get; }

    public int Dimensions { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public long Generation { get; set; }

    public void Add(long seq, Guid documentId, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions) throw new VectorDimensionMismatchException(Dimensions, vector.Length);
        _lock.EnterWriteLock();
        try
        {
            if (_rowOfSeq.ContainsKey(seq)) return;
            if (_count == _seqs.Length) Grow();
            var row = _data.AsSpan(_count * Dimensions, Dimensions);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(vector, norm, row);
            else row.Clear();
            BinaryCode.Encode(row, _codes.AsSpan(_count * _words, _words));
            _seqs[_count] = seq;
            _documents[_count] = documentId;
            _rowOfSeq[seq] = _count;
            _count++;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int RemoveDocument(Guid documentId)
    {
        _lock.EnterWriteLock();
        try
        {
            var removed = 0;
            for (var i = _count - 1; i >= 0; i--)
            {
                if (_documents[i] != documentId) continue;
                var last = _count - 1;
                _rowOfSeq.Remove(_seqs[i]);
                if (i != last)
                {
                    _data.AsSpan(last * Dimensions, Dimensions).CopyTo(_data.AsSpan(i * Dimensions, Dimensions));
                    _codes.AsSpan(last * _words, _words).CopyTo(_codes.AsSpan(i * _words, _words));
                    _seqs[i] = _seqs[last];
                    _documents[i] = _documents[last];
                    _rowOfSeq[_seqs[i]] = i;
                }
                _count--;
                removed++;
            }
            return removed;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void Search(ReadOnlySpan<float> unitQuery, TopKCollector collector, IReadOnlySet<Guid>? hidden = null)
    {
        if (unitQuery.Length != Dimensions) throw new VectorDimensionMismatchException(Dimensions, unitQuery.Length);
        if (hidden is { Count: 0 }) hidden = null;
        _lock.EnterReadLock();
        try
        {
            var data = _data.AsSpan(0, _count * Dimensions);
            for (var i = 0; i < _count; i++)
            {
                if (hidden is not null && hidden.Contains(_documents[i])) continue;
                collector.Offer(_seqs[i], TensorPrimitives.Dot(data.Slice(i * Dimensions, Dimensions), unitQuery));
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    public void CollectCandidates(ReadOnlySpan<ulong> queryCode, CandidateCollector candidates, IReadOnlySet<Guid>? hidden = null)
    {
        if (queryCode.Length != _words) throw new VectorDimensionMismatchException(Dimensions, queryCode.Length * 64);
        if (hidden is { Count: 0 }) hidden = null;
        _lock.EnterReadLock();
        try
        {
            var codes = _codes.AsSpan(0, _count * _words);
            if (_words == 6 && hidden is null) // 384 dimensions, the common small-model size: unrolled
            {
                ulong q0 = queryCode[0], q1 = queryCode[1], q2 = queryCode[2], q3 = queryCode[3], q4 = queryCode[4], q5 = queryCode[5];
                for (int i = 0, o = 0; i < _count; i++, o += 6)
                {
                    var d = BitOperations.PopCount(codes[o] ^ q0) + BitOperations.PopCount(codes[o + 1] ^ q1)
                          + BitOperations.PopCount(codes[o + 2] ^ q2) + BitOperations.PopCount(codes[o + 3] ^ q3)
                          + BitOperations.PopCount(codes[o + 4] ^ q4) + BitOperations.PopCount(codes[o + 5] ^ q5);
                    if (d < candidates.Bound) candidates.Offer(_seqs[i], d);
                }
                return;
            }
            for (int i = 0, o = 0; i < _count; i++, o += _words)
            {
                if (hidden is not null && hidden.Contains(_documents[i])) continue;
                var d = 0;
                for (var w = 0; w < _words; w++) d += BitOperations.PopCount(codes[o + w] ^ queryCode[w]);
                if (d < candidates.Bound) candidates.Offer(_seqs[i], d);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Rescore(IEnumerable<long> seqs, ReadOnlySpan<float> unitQuery, TopKCollector collector)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        _lock.EnterReadLock();
        try
        {
            foreach (var seq in seqs)
            {
                if (_rowOfSeq.TryGetValue(seq, out var row))
                {
                    collector.Offer(seq, TensorPrimitives.Dot(_data.AsSpan(row * Dimensions, Dimensions), unitQuery));
                }
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose() => _lock.Dispose();

    private void Grow()
    {
        var capacity = _seqs.Length + Math.Max(_seqs.Length / 2, 16);
        Array.Resize(ref _data, capacity * Dimensions);
        Array.Resize(ref _codes, capacity * _words);
        Array.Resize(ref _seqs, capacity);
        Array.Resize(ref _documents, capacity);
    }
}

/// <summary>Sign codes: bit i of a vector's code is set when its i-th component is positive.</summary>
internal static class BinaryCode
{
    public static int Words(int dimensions) => (dimensions + 63) / 64;

    public static void Encode(ReadOnlySpan<float> vector, Span<ulong> code)
    {
        code.Clear();
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] > 0) code[i >> 6] |= 1UL << (i & 63);
        }
    }
}

/// <summary>Keeps the <c>capacity</c> rows with the smallest Hamming distance, each with the partition it came from.</summary>
internal sealed class CandidateCollector(int capacity)
{
    private readonly PriorityQueue<(long Seq, int Owner), int> _heap = new(Math.Max(capacity, 1) + 1,
        Comparer<int>.Create((a, b) => b.CompareTo(a))); // max-heap on distance

    /// <summary>The partition that the following offers come from.</summary>
    public int Owner { get; set; }

    /// <summary>A row is worth offering only when its distance is below this.</summary>
    public int Bound { get; private set; } = int.MaxValue;

    public void Offer(long seq, int distance)
    {
        if (_heap.Count < capacity)
        {
            _heap.Enqueue((seq, Owner), distance);
            if (_heap.Count == capacity) Bound = _heap.TryPeek(out _, out var worst) ? worst : int.MaxValue;
        }
        else if (distance < Bound)
        {
            _heap.EnqueueDequeue((seq, Owner), distance);
            _heap.TryPeek(out _, out var worst);
            Bound = worst;
        }
    }

    /// <summary>The collected rows grouped by the partition they came from.</summary>
    public ILookup<int, long> ByOwner() => _heap.UnorderedItems.ToLookup(e => e.Element.Owner, e => e.Element.Seq);
}

/// <summary>
/// Dense search over the partitions a filter selects. When they hold few rows together, every row is scored
/// exactly. Otherwise all rows are ranked by the Hamming distance of their sign codes, and the best
/// <c>rescore</c> candidates across all selected partitions are scored exactly: the cost is one popcount pass
/// over 1/32 of the float data plus a small exact pass, and the permission filter still decides which rows
/// are looked at.
/// </summary>
internal static class DenseSearch
{
    /// <param name="hidden">Documents in these partitions the caller may not read (their readers exclude it): their rows
    /// are never scored, so a narrowed document cannot crowd readable passages out of the top results.</param>
    public static List<(long Seq, float Score)> Run(IReadOnlyList<IVectorPartition> partitions, ReadOnlySpan<float> unitQuery,
        int top, int exactBelow, int rescore, IReadOnlySet<Guid>? hidden = null)
    {
        var collector = new TopKCollector(top);
        var total = 0L;
        foreach (var p in partitions) total += p.Count;
        if (total <= Math.Max(exactBelow, rescore))
        {
            foreach (var partition in partitions) partition.Search(unitQuery, collector, hidden);
            return collector.Results();
        }

        Span<ulong> code = stackalloc ulong[BinaryCode.Words(unitQuery.Length)];
        BinaryCode.Encode(unitQuery, code);
        var candidates = new CandidateCollector(Math.Max(rescore, top));
        for (var i = 0; i < partitions.Count; i++)
        {
            candidates.Owner = i;
            partitions[i].CollectCandidates(code, candidates, hidden);
        }
        foreach (var group in candidates.ByOwner()) partitions[group.Key].Rescore(group, unitQuery, collector);
        return collector.Results();
    }
}

/// <summary>Keeps the k best (highest-scoring) rows offered to it. Not thread-safe: one per search.</summary>
internal sealed class TopKCollector(int k)
{
    private readonly PriorityQueue<long, float> _heap = new(Math.Max(k, 1) + 1);
    private float _min = float.NegativeInfinity;

    public void Offer(long seq, float score)
    {
        if (k <= 0 || float.IsNaN(score)) return;
        if (_heap.Count < k)
        {
            _heap.Enqueue(seq, score);
            if (_heap.Count == k) _heap.TryPeek(out _, out _min);
        }
        else if (score > _min)
        {
            _heap.EnqueueDequeue(seq, score);
            _heap.TryPeek(out _, out _min);
        }
    }

    /// <summary>The collected rows, best first.</summary>
    public List<(long Seq, float Score)> Results()
    {
        var list = new List<(long Seq, float Score)>(_heap.Count);
        foreach (var (seq, score) in _heap.UnorderedItems) list.Add((seq, score));
        list.Sort((a, b) => b.Score.CompareTo(a.Score) is var c && c != 0 ? c : a.Seq.CompareTo(b.Seq));
        return list;
    }
}

/// <summary>A vector's length differs from the dimension the index was built with.</summary>
public sealed class VectorDimensionMismatchException : InvalidOperationException
{
    public VectorDimensionMismatchException(int indexDimensions, int vectorDimensions)
        : base($"The chunk index holds {indexDimensions}-dimensional vectors, but a {vectorDimensions}-dimensional vector was given. " +
               "The embedding model changed: re-embed the indexed documents (or use a separate index) before mixing models.")
    {
        IndexDimensions = indexDimensions;
        VectorDimensions = vectorDimensions;
    }

    public VectorDimensionMismatchException() : base("Vector dimension mismatch.") { }

    public VectorDimensionMismatchException(string message) : base(message) { }

    public VectorDimensionMismatchException(string message, Exception innerException) : base(message, innerException) { }

    public int IndexDimensions { get; }

    public int VectorDimensions { get; }
}
