using System.Security.Cryptography;
using System.Text;
using Qdrant.Client.Grpc;

namespace PrivateRag.Core.Indexing.Qdrant;

/// <summary>
/// The gRPC requests <see cref="QdrantChunkIndex"/> sends, built without a connection so tests can check them:
/// one Qdrant collection with a named dense vector (<c>dense</c>, cosine) and a named sparse vector (<c>sparse</c>,
/// IDF modifier), keyword payload indexes on <c>collection_id</c> (tenant), <c>document_id</c> and <c>readers</c>, and
/// every search with the permission filter inside the query.
/// </summary>
/// <remarks>
/// Per-document access: a point's <c>readers</c> payload is absent or empty when its document keeps its collection's
/// access, else the document's reader tokens (<see cref="Access.ReaderTokens"/>), or <see cref="Nobody"/> when it is
/// narrowed to no one. A filter with readers adds <c>should: [is_empty(readers), match(readers, any of the caller's
/// tokens)]</c> as one more <c>must</c> condition, so it applies inside every query and prefetch.
/// </remarks>
public static class QdrantRequests
{
    public const string Dense = "dense";
    public const string Sparse = "sparse";
    public const string CollectionField = "collection_id";
    public const string DocumentField = "document_id";
    public const string ReadersField = "readers";

    /// <summary>The readers of a document narrowed to no one (an empty list would read as "not narrowed"); no caller holds it.</summary>
    public const string Nobody = "-";

    public static CreateCollection CreateCollection(string name, int? dimensions)
    {
        var request = new CreateCollection
        {
            CollectionName = name,
            SparseVectorsConfig = new SparseVectorConfig { Map = { [Sparse] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        };
        if (dimensions is { } d)
        {
            request.VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap { Map = { [Dense] = new VectorParams { Size = (ulong)d, Distance = Distance.Cosine } } },
            };
        }
        return request;
    }

    /// <summary>The payload indexes, created right after the collection and before any point is written.</summary>
    public static IReadOnlyList<CreateFieldIndexCollection> PayloadIndexes(string name) =>
    [
        new CreateFieldIndexCollection
        {
            CollectionName = name, FieldName = CollectionField, FieldType = FieldType.Keyword, Wait = true,
            FieldIndexParams = new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } },
        },
        new CreateFieldIndexCollection { CollectionName = name, FieldName = DocumentField, FieldType = FieldType.Keyword, Wait = true },
        new CreateFieldIndexCollection { CollectionName = name, FieldName = ReadersField, FieldType = FieldType.Keyword, Wait = true },
    ];

    /// <summary>Only points of the given collections: the filter every read carries. Never empty (an empty filter shows nothing).</summary>
    public static Filter Visible(IndexFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.CollectionIds.Count == 0) throw new ArgumentException("An empty filter shows nothing; do not query.", nameof(filter));
        var visible = new Filter { Must = { Conditions.Match(CollectionField, filter.CollectionIds.Distinct().Select(c => c.ToString()).ToList()) } };
        if (filter.Readers is { } readers)
        {
            var documentAccess = new Filter { Should = { Conditions.IsEmpty(ReadersField) } };
            var tokens = readers.Where(t => t != Nobody).Distinct(StringComparer.Ordinal).ToList();
            if (tokens.Count > 0) documentAccess.Should.Add(Conditions.Match(ReadersField, tokens));
            visible.Must.Add(Conditions.Filter(documentAccess));
        }
        return visible;
    }

    /// <summary>The payload value of a document's readers: an empty list when not narrowed, <see cref="Nobody"/> when narrowed to no one.</summary>
    public static Value ReadersValue(IReadOnlyCollection<string>? readers)
    {
        var list = new ListValue();
        if (readers is not null)
        {
            var tokens = readers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (tokens.Count == 0) tokens.Add(Nobody);
            list.Values.Add(tokens.Select(t => new Value { StringValue = t }));
        }
        return new Value { ListValue = list };
    }

    /// <summary>Sets the readers of every point of one document (no vector is touched: nothing is re-embedded).</summary>
    public static SetPayloadPoints SetReaders(string name, Guid documentId, IReadOnlyCollection<string>? readers) => new()
    {
        CollectionName = name, Wait = true,
        Payload = { [ReadersField] = ReadersValue(readers) },
        PointsSelector = new PointsSelector { Filter = OfDocument(documentId) },
    };

    public static Filter OfDocument(Guid documentId) => new() { Must = { Conditions.MatchKeyword(DocumentField, documentId.ToString()) } };

    public static PointStruct Point(IndexedChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var (indices, values) = SparseEncoder.EncodeDocument(string.Join('\n', chunk.DocumentName, chunk.DocumentContext, chunk.HeadingPath, chunk.Text));
        var named = new NamedVectors { Vectors = { [Sparse] = new Vector { Sparse = new SparseVector { Indices = { indices }, Values = { values } } } } };
        if (chunk.Vector is { } v) named.Vectors[Dense] = new Vector { Dense = new DenseVector { Data = { v } } };
        var point = new PointStruct { Id = PointIdOf(chunk.Id), Vectors = new Vectors { Vectors_ = named } };
        point.Payload["id"] = chunk.Id;
        point.Payload[DocumentField] = chunk.DocumentId.ToString();
        point.Payload[CollectionField] = chunk.CollectionId.ToString();
        point.Payload["document_name"] = chunk.DocumentName;
        point.Payload["ordinal"] = chunk.Ordinal;
        point.Payload["page_start"] = chunk.PageStart;
        point.Payload["page_end"] = chunk.PageEnd;
        if (chunk.HeadingPath is not null) point.Payload["heading_path"] = chunk.HeadingPath;
        point.Payload["char_start"] = chunk.CharStart;
        point.Payload["char_end"] = chunk.CharEnd;
        point.Payload["text"] = chunk.Text;
        point.Payload[ReadersField] = ReadersValue(chunk.Readers);
        // Payload has no bytes type: the layout blob travels as base64, written with the point and deleted with it.
        if (chunk.Layout is { } layout) point.Payload["layout"] = Convert.ToBase64String(layout.Encode());
        return point;
    }

    public static UpsertPoints Upsert(string name, IEnumerable<IndexedChunk> chunks) =>
        new() { CollectionName = name, Wait = true, Points = { chunks.Select(Point) } };

    /// <summary>Removes a document's points except the given (just written) ones: the second half of a replace.</summary>
    public static DeletePoints DeleteDocument(string name, Guid documentId, IReadOnlyCollection<string> keepChunkIds)
    {
        var filter = OfDocument(documentId);
        if (keepChunkIds.Count > 0)
        {
            filter.MustNot.Add(new Condition { HasId = new HasIdCondition { HasId = { keepChunkIds.Select(PointIdOf) } } });
        }
        return new DeletePoints { CollectionName = name, Wait = true, Points = new PointsSelector { Filter = filter } };
    }

    public static QueryPoints Lexical(string name, string query, IndexFilter filter, int top)
    {
        var (indices, values) = SparseEncoder.EncodeQuery(query);
        return new QueryPoints
        {
            CollectionName = name, Using = Sparse, Filter = Visible(filter), Limit = (ulong)top, WithPayload = true,
            Query = new Query { Nearest = new VectorInput { Sparse = new SparseVector { Indices = { indices }, Values = { values } } } },
        };
    }

    public static QueryPoints DenseQuery(string name, ReadOnlyMemory<float> vector, IndexFilter filter, int top) => new()
    {
        CollectionName = name, Using = Dense, Filter = Visible(filter), Limit = (ulong)top, WithPayload = true,
        Query = new Query { Nearest = new VectorInput { Dense = new DenseVector { Data = { vector.ToArray() } } } },
    };

    /// <summary>Lexical and dense prefetches, each under the permission filter, fused by reciprocal rank.</summary>
    public static QueryPoints Hybrid(string name, string query, ReadOnlyMemory<float> vector, IndexFilter filter, int candidates, int top)
    {
        var visible = Visible(filter);
        var (indices, values) = SparseEncoder.EncodeQuery(query);
        return new QueryPoints
        {
            CollectionName = name, Filter = visible, Limit = (ulong)top, WithPayload = true,
            Prefetch =
            {
                new PrefetchQuery
                {
                    Using = Sparse, Filter = visible, Limit = (ulong)candidates,
                    Query = new Query { Nearest = new VectorInput { Sparse = new SparseVector { Indices = { indices }, Values = { values } } } },
                },
                new PrefetchQuery
                {
                    Using = Dense, Filter = visible, Limit = (ulong)candidates,
                    Query = new Query { Nearest = new VectorInput { Dense = new DenseVector { Data = { vector.ToArray() } } } },
                },
            },
            Query = new Query { Fusion = Fusion.Rrf },
        };
    }

    public static ScrollPoints Scroll(string name, Filter filter, uint limit, PointId? offset)
    {
        var request = new ScrollPoints { CollectionName = name, Filter = filter, Limit = limit, WithPayload = true };
        if (offset is not null) request.Offset = offset;
        return request;
    }

    /// <summary>A chunk's point id: a name-based UUID from its chunk id (Qdrant ids are integers or UUIDs).</summary>
    public static PointId PointIdOf(string chunkId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(chunkId), hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new PointId { Uuid = new Guid(bytes).ToString() };
    }

    public static IndexedChunk ChunkOf(IDictionary<string, Value> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string S(string key) => payload.TryGetValue(key, out var v) ? v.StringValue : "";
        int I(string key) => payload.TryGetValue(key, out var v) ? (int)v.IntegerValue : 0;
        return new IndexedChunk(S("id"), Guid.Parse(S(DocumentField)), Guid.Parse(S(CollectionField)), S("document_name"),
            I("ordinal"), I("page_start"), I("page_end"),
            payload.TryGetValue("heading_path", out var h) && h.KindCase == Value.KindOneofCase.StringValue ? h.StringValue : null,
            I("char_start"), I("char_end"), S("text"),
            Layout: payload.TryGetValue("layout", out var l) && l.KindCase == Value.KindOneofCase.StringValue
                ? ChunkLayout.Decode(Convert.FromBase64String(l.StringValue)) : null);
    }

}
