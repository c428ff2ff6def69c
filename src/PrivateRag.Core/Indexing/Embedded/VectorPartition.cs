using System.Numerics.Tensors;

namespace PrivateRag.Core.Indexing.Embedded;

/// <summary>
/// The vectors of one collection, held in memory for dense search. The cache only uses this seam, so an
/// approximate (HNSW) partition can replace <see cref="FlatVectorPartition"/> without touching the index.
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

    /// <summary>Offers this partition's best rows for a unit-length query to the collector.</summary>
    void Search(ReadOnlySpan<float> unitQuery, TopKCollector collector);
}

/// <summary>Exact search: one contiguous row-major array of unit vectors scanned with SIMD dot products.</summary>
internal sealed class FlatVectorPartition : IVectorPartition
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private float[] _data;
    private long[] _seqs;
    private Guid[] _documents;
    private int _count;

    public FlatVectorPartition(Guid collectionId, int dimensions, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        CollectionId = collectionId;
        Dimensions = dimensions;
        capacity = Math.Max(capacity, 4);
        _data = new float[(long)capacity * dimensions];
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
            if (_count == _seqs.Length) Grow();
            var row = _data.AsSpan(_count * Dimensions, Dimensions);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(vector, norm, row);
            else row.Clear();
            _seqs[_count] = seq;
            _documents[_count] = documentId;
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
                if (i != last)
                {
                    _data.AsSpan(last * Dimensions, Dimensions).CopyTo(_data.AsSpan(i * Dimensions, Dimensions));
                    _seqs[i] = _seqs[last];
                    _documents[i] = _documents[last];
                }
                _count--;
                removed++;
            }
            return removed;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void Search(ReadOnlySpan<float> unitQuery, TopKCollector collector)
    {
        if (unitQuery.Length != Dimensions) throw new VectorDimensionMismatchException(Dimensions, unitQuery.Length);
        _lock.EnterReadLock();
        try
        {
            var data = _data.AsSpan(0, _count * Dimensions);
            for (var i = 0; i < _count; i++)
            {
                collector.Offer(_seqs[i], TensorPrimitives.Dot(data.Slice(i * Dimensions, Dimensions), unitQuery));
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose() => _lock.Dispose();

    private void Grow()
    {
        var capacity = _seqs.Length + Math.Max(_seqs.Length / 2, 16);
        Array.Resize(ref _data, capacity * Dimensions);
        Array.Resize(ref _seqs, capacity);
        Array.Resize(ref _documents, capacity);
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
