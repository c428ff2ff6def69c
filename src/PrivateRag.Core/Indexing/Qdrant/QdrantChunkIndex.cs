using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Indexing.Embedded;
using Qdrant.Client.Grpc;

namespace PrivateRag.Core.Indexing.Qdrant;

/// <summary>
/// The chunk index on a Qdrant server (gRPC): one Qdrant collection for every chunk, the PrivateRag collection as
/// a tenant-indexed payload field that every query filters on, BM25-style sparse vectors for lexical search and
/// a dense vector for semantic search, fused server-side (<see cref="IHybridChunkIndex"/>). See
/// <see cref="QdrantRequests"/> for the exact requests.
/// </summary>
/// <remarks>A replace upserts the new points, then deletes the document's other points: for that moment a search may
/// see both versions (Qdrant has no multi-request transactions). Transient failures are retried with backoff.</remarks>
public sealed class QdrantChunkIndex : IChunkIndex, IHybridChunkIndex, IDisposable
{
    private readonly QdrantGrpcClient _client;
    private readonly QdrantIndexOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private volatile bool _exists;
    private int? _dimensions;

    public QdrantChunkIndex(IOptions<QdrantIndexOptions> options, ILogger<QdrantChunkIndex>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (_options.Url is null) throw new OptionsValidationException(QdrantIndexOptions.Section, typeof(QdrantIndexOptions), ["Index:Qdrant:Url is required."]);
        _client = new QdrantGrpcClient(_options.Url, _options.ApiKey);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _dimensions = _options.Dimensions;
    }

    private string Name => _options.Collection;

    public async Task ReplaceDocumentAsync(Guid documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        int? dimensions = null;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            if (chunk.DocumentId != documentId) throw new ArgumentException($"Chunk {chunk.Id} belongs to document {chunk.DocumentId}, not to {documentId}.", nameof(chunks));
            if (!ids.Add(chunk.Id)) throw new ArgumentException($"Chunk id {chunk.Id} occurs twice.", nameof(chunks));
            if (chunk.Vector is { } v)
            {
                if (dimensions is { } d && d != v.Length) throw new VectorDimensionMismatchException(d, v.Length);
                dimensions = v.Length;
            }
        }
        await EnsureCollectionAsync(dimensions, ct);
        if (dimensions is { } nd && _dimensions is { } existing && existing != nd) throw new VectorDimensionMismatchException(existing, nd);

        foreach (var batch in chunks.Chunk(_options.BatchSize))
        {
            await RetryAsync(c => _client.Points.UpsertAsync(QdrantRequests.Upsert(Name, batch), cancellationToken: c).ResponseAsync, ct);
        }
        await RetryAsync(c => _client.Points.DeleteAsync(QdrantRequests.DeleteDocument(Name, documentId, ids), cancellationToken: c).ResponseAsync, ct);
    }

    public async Task DeleteDocumentAsync(Guid documentId, CancellationToken ct = default)
    {
        if (!await ExistsAsync(ct)) return;
        await RetryAsync(c => _client.Points.DeleteAsync(QdrantRequests.DeleteDocument(Name, documentId, []), cancellationToken: c).ResponseAsync, ct);
    }

    public async Task SetDocumentReadersAsync(Guid documentId, IReadOnlyCollection<string>? readers, CancellationToken ct = default)
    {
        if (!await ExistsAsync(ct)) return;
        await RetryAsync(c => _client.Points.SetPayloadAsync(QdrantRequests.SetReaders(Name, documentId, readers), cancellationToken: c).ResponseAsync, ct);
    }

    public async Task SetDocumentNameAsync(Guid documentId, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!await ExistsAsync(ct)) return;
        var request = new SetPayloadPoints
        {
            CollectionName = Name, Wait = true, Payload = { ["document_name"] = name },
            PointsSelector = new PointsSelector { Filter = QdrantRequests.OfDocument(documentId) },
        };
        await RetryAsync(c => _client.Points.SetPayloadAsync(request, cancellationToken: c).ResponseAsync, ct);
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchLexicalAsync(string query, IndexFilter filter, int top, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (top <= 0 || filter.CollectionIds.Count == 0 || FtsText.QueryTerms(query).Count == 0 || !await ExistsAsync(ct)) return [];
        return await QueryAsync(QdrantRequests.Lexical(Name, query, filter, top), ct);
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ReadOnlyMemory<float> vector, IndexFilter filter, int top, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (top <= 0 || filter.CollectionIds.Count == 0 || vector.IsEmpty || !await ExistsAsync(ct) || _dimensions is not { } d) return [];
        if (vector.Length != d) throw new VectorDimensionMismatchException(d, vector.Length);
        return await QueryAsync(QdrantRequests.DenseQuery(Name, vector, filter, top), ct);
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchHybridAsync(string query, ReadOnlyMemory<float> vector, IndexFilter filter, int candidates, int top,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (top <= 0 || filter.CollectionIds.Count == 0 || !await ExistsAsync(ct)) return [];
        if (_dimensions is not { } d || vector.IsEmpty) return await SearchLexicalAsync(query, filter, top, ct);
        if (vector.Length != d) throw new VectorDimensionMismatchException(d, vector.Length);
        return await QueryAsync(QdrantRequests.Hybrid(Name, query, vector, filter, candidates, top), ct);
    }

    public async Task<IReadOnlyList<IndexedChunk>> GetAsync(IReadOnlyCollection<string> chunkIds, IndexFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        ArgumentNullException.ThrowIfNull(filter);
        if (chunkIds.Count == 0 || filter.CollectionIds.Count == 0 || !await ExistsAsync(ct)) return [];
        var found = new Dictionary<string, IndexedChunk>(StringComparer.Ordinal);
        foreach (var batch in chunkIds.Distinct(StringComparer.Ordinal).Chunk(256))
        {
            var scope = QdrantRequests.Visible(filter);
            scope.Must.Add(new Condition { HasId = new HasIdCondition { HasId = { batch.Select(QdrantRequests.PointIdOf) } } });
            foreach (var chunk in await ScrollAllAsync(scope, ct)) found[chunk.Id] = chunk;
        }
        return chunkIds.Distinct(StringComparer.Ordinal).Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    public async Task<IReadOnlyList<IndexedChunk>> GetDocumentChunksAsync(Guid documentId, IndexFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.CollectionIds.Count == 0 || !await ExistsAsync(ct)) return [];
        var scope = QdrantRequests.Visible(filter);
        scope.Must.Add(Conditions.MatchKeyword(QdrantRequests.DocumentField, documentId.ToString()));
        return (await ScrollAllAsync(scope, ct)).OrderBy(c => c.Ordinal).ToList();
    }

    public async Task<IndexStats> GetStatsAsync(CancellationToken ct = default)
    {
        if (!await ExistsAsync(ct)) return new IndexStats(0, 0, _dimensions);
        var all = await RetryAsync(c => _client.Points.CountAsync(new CountPoints { CollectionName = Name, Exact = true }, cancellationToken: c).ResponseAsync, ct);
        var firsts = await RetryAsync(c => _client.Points.CountAsync(new CountPoints
        {
            CollectionName = Name, Exact = true, Filter = new Filter { Must = { Conditions.Match("ordinal", 0) } },
        }, cancellationToken: c).ResponseAsync, ct);
        return new IndexStats((long)all.Result.Count, (long)firsts.Result.Count, _dimensions);
    }

    public void Dispose() => _setup.Dispose();

    private async Task<IReadOnlyList<ChunkHit>> QueryAsync(QueryPoints request, CancellationToken ct)
    {
        var response = await RetryAsync(c => _client.Points.QueryAsync(request, cancellationToken: c).ResponseAsync, ct);
        return response.Result.Select(p => new ChunkHit(QdrantRequests.ChunkOf(p.Payload), p.Score)).ToList();
    }

    private async Task<List<IndexedChunk>> ScrollAllAsync(Filter filter, CancellationToken ct)
    {
        var chunks = new List<IndexedChunk>();
        PointId? offset = null;
        do
        {
            var request = QdrantRequests.Scroll(Name, filter, 256, offset);
            var page = await RetryAsync(c => _client.Points.ScrollAsync(request, cancellationToken: c).ResponseAsync, ct);
            chunks.AddRange(page.Result.Select(p => QdrantRequests.ChunkOf(p.Payload)));
            offset = page.NextPageOffset;
        } while (offset is not null);
        return chunks;
    }

    private async Task<bool> ExistsAsync(CancellationToken ct)
    {
        if (_exists) return true;
        var response = await RetryAsync(c => _client.Collections.CollectionExistsAsync(new CollectionExistsRequest { CollectionName = Name }, cancellationToken: c).ResponseAsync, ct);
        if (!response.Result.Exists) return false;
        await ReadDimensionsAsync(ct);
        _exists = true;
        return true;
    }

    private async Task ReadDimensionsAsync(CancellationToken ct)
    {
        var info = await RetryAsync(c => _client.Collections.GetAsync(new GetCollectionInfoRequest { CollectionName = Name }, cancellationToken: c).ResponseAsync, ct);
        var map = info.Result.Config?.Params?.VectorsConfig?.ParamsMap?.Map;
        _dimensions = map is not null && map.TryGetValue(QdrantRequests.Dense, out var dense) ? (int)dense.Size : null;
    }

    /// <summary>Creates the collection and its payload indexes (before any point is written) when it does not exist.</summary>
    private async Task EnsureCollectionAsync(int? firstDimensions, CancellationToken ct)
    {
        if (await ExistsAsync(ct)) return;
        await _setup.WaitAsync(ct);
        try
        {
            if (await ExistsAsync(ct)) return;
            var dimensions = _options.Dimensions ?? firstDimensions;
            try
            {
                await RetryAsync(c => _client.Collections.CreateAsync(QdrantRequests.CreateCollection(Name, dimensions), cancellationToken: c).ResponseAsync, ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                // Another process created it first.
            }
            foreach (var index in QdrantRequests.PayloadIndexes(Name))
            {
                await RetryAsync(c => _client.Points.CreateFieldIndexAsync(index, cancellationToken: c).ResponseAsync, ct);
            }
            _logger.LogInformation("Created Qdrant collection {Collection} (dense {Dimensions}).", Name, dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
            await ExistsAsync(ct);
        }
        finally
        {
            _setup.Release();
        }
    }

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                return await call(timeout.Token);
            }
            catch (RpcException e) when (attempt < _options.MaxRetries && IsTransient(e.StatusCode) && !ct.IsCancellationRequested)
            {
                var delay = TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt) + Random.Shared.Next(100));
                _logger.LogWarning("Qdrant request failed ({Status}); retry {Attempt} in {Delay} ms.", e.StatusCode, attempt + 1, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    internal static bool IsTransient(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;
}
