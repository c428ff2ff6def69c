using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Qdrant;
using Qdrant.Client.Grpc;

namespace PrivateRag.Core.Tests.Indexing;

public sealed class QdrantRequestsTests
{
    private static readonly Guid Collection = Guid.Parse("c0c0c0c0-0000-4000-8000-000000000001");
    private static readonly Guid Document = Guid.Parse("d0d0d0d0-0000-4000-8000-000000000001");

    private static IndexedChunk Chunk(int ordinal, string text, float[]? vector = null) =>
        new(IndexedChunk.MakeId(Document, ordinal), Document, Collection, "report.pdf", ordinal, 2, 3, "Results", 10, 20, text, vector);

    [Fact]
    public void The_collection_has_a_cosine_dense_vector_and_an_idf_sparse_vector()
    {
        var request = QdrantRequests.CreateCollection("chunks", 384);

        var dense = request.VectorsConfig.ParamsMap.Map[QdrantRequests.Dense];
        Assert.Equal(384UL, dense.Size);
        Assert.Equal(Distance.Cosine, dense.Distance);
        Assert.Equal(Modifier.Idf, request.SparseVectorsConfig.Map[QdrantRequests.Sparse].Modifier);
        Assert.Null(QdrantRequests.CreateCollection("chunks", null).VectorsConfig);
    }

    [Fact]
    public void Payload_indexes_cover_the_collection_as_tenant_and_the_document()
    {
        var indexes = QdrantRequests.PayloadIndexes("chunks");

        var collection = Assert.Single(indexes, i => i.FieldName == "collection_id");
        Assert.Equal(FieldType.Keyword, collection.FieldType);
        Assert.True(collection.FieldIndexParams.KeywordIndexParams.IsTenant);
        Assert.Contains(indexes, i => i.FieldName == "document_id" && i.FieldType == FieldType.Keyword);
    }

    [Fact]
    public void A_point_carries_both_vectors_and_the_provenance_payload_and_reads_back_unchanged()
    {
        var chunk = Chunk(1, "Wind turbines convert kinetic energy", [0.1f, 0.2f, 0.3f]);

        var point = QdrantRequests.Point(chunk);

        Assert.Equal([0.1f, 0.2f, 0.3f], point.Vectors.Vectors_.Vectors[QdrantRequests.Dense].Dense.Data);
        var sparse = point.Vectors.Vectors_.Vectors[QdrantRequests.Sparse].Sparse;
        Assert.NotEmpty(sparse.Indices);
        Assert.Equal(sparse.Indices.Count, sparse.Values.Count);
        Assert.Equal(sparse.Indices.OrderBy(i => i), sparse.Indices);
        Assert.Equal(QdrantRequests.PointIdOf(chunk.Id), point.Id);
        Assert.Equal(chunk with { Vector = null }, QdrantRequests.ChunkOf(point.Payload));
    }

    [Fact]
    public void Every_search_filters_on_the_readable_collections_inside_the_query()
    {
        var other = Guid.NewGuid();
        var filter = IndexFilter.For(Collection, other);

        var lexical = QdrantRequests.Lexical("chunks", "wind turbines", filter, 10);
        var dense = QdrantRequests.DenseQuery("chunks", new float[] { 1, 0 }, filter, 10);

        foreach (var request in new[] { lexical, dense })
        {
            var condition = Assert.Single(request.Filter.Must).Field;
            Assert.Equal("collection_id", condition.Key);
            Assert.Equal([Collection.ToString(), other.ToString()], condition.Match.Keywords.Strings);
        }
        Assert.Equal(QdrantRequests.Sparse, lexical.Using);
        Assert.NotEmpty(lexical.Query.Nearest.Sparse.Indices);
        Assert.Equal(QdrantRequests.Dense, dense.Using);
        Assert.Equal([1f, 0f], dense.Query.Nearest.Dense.Data);
        Assert.Throws<ArgumentException>(() => QdrantRequests.Visible(new IndexFilter([])));
    }

    [Fact]
    public void Hybrid_search_prefetches_both_vectors_under_the_filter_and_fuses_by_rrf()
    {
        var request = QdrantRequests.Hybrid("chunks", "wind", new float[] { 1, 0 }, IndexFilter.For(Collection), 50, 8);

        Assert.Equal(Fusion.Rrf, request.Query.Fusion);
        Assert.Equal(8UL, request.Limit);
        Assert.Equal([QdrantRequests.Sparse, QdrantRequests.Dense], request.Prefetch.Select(p => p.Using));
        Assert.All(request.Prefetch, p =>
        {
            Assert.Equal(50UL, p.Limit);
            Assert.Equal(Collection.ToString(), Assert.Single(Assert.Single(p.Filter.Must).Field.Match.Keywords.Strings));
        });
    }

    [Fact]
    public void Replacing_a_document_deletes_only_its_points_that_were_not_just_written()
    {
        var request = QdrantRequests.DeleteDocument("chunks", Document, ["a", "b"]);

        var must = Assert.Single(request.Points.Filter.Must).Field;
        Assert.Equal("document_id", must.Key);
        Assert.Equal(Document.ToString(), must.Match.Keyword);
        Assert.Equal(2, Assert.Single(request.Points.Filter.MustNot).HasId.HasId.Count);
        Assert.True(request.Wait);
    }

    [Fact]
    public void Sparse_vectors_saturate_term_frequency_and_queries_weigh_terms_equally()
    {
        var (once, onceValues) = SparseEncoder.EncodeDocument("turbine blade");
        var (_, manyValues) = SparseEncoder.EncodeDocument("turbine turbine turbine blade");
        var (queryIndices, queryValues) = SparseEncoder.EncodeQuery("What are the turbines?");

        Assert.Equal(2, once.Length);
        Assert.True(manyValues.Max() > onceValues.Max());
        Assert.True(manyValues.Max() < 3 * onceValues.Max(), "term frequency saturates");
        Assert.Single(queryIndices); // stopwords dropped, plural folded
        Assert.Contains(queryIndices[0], once);
        Assert.Equal([1f], queryValues);
    }

    [Fact]
    public void A_filter_with_readers_adds_one_must_condition_that_admits_unnarrowed_points_or_shared_tokens()
    {
        var filter = QdrantRequests.Visible(new IndexFilter([Collection], ["u:alice", "g:sales", "u:alice"]));

        Assert.Equal(2, filter.Must.Count);
        Assert.Equal("collection_id", filter.Must[0].Field.Key);
        var access = filter.Must[1].Filter;
        Assert.Equal(2, access.Should.Count);
        Assert.Equal("readers", access.Should[0].IsEmpty.Key);
        Assert.Equal("readers", access.Should[1].Field.Key);
        Assert.Equal(["u:alice", "g:sales"], access.Should[1].Field.Match.Keywords.Strings);
    }

    [Fact]
    public void A_filter_without_readers_does_not_narrow_by_document_and_no_tokens_see_only_unnarrowed_points()
    {
        Assert.Single(QdrantRequests.Visible(IndexFilter.For(Collection)).Must);

        var none = QdrantRequests.Visible(new IndexFilter([Collection], []));
        Assert.Equal("readers", Assert.Single(none.Must[1].Filter.Should).IsEmpty.Key);
    }

    [Fact]
    public void Every_search_carries_the_readers_condition_in_the_query_and_in_each_prefetch()
    {
        var filter = new IndexFilter([Collection], ["u:bob"]);

        var lexical = QdrantRequests.Lexical("chunks", "canary", filter, 5);
        var dense = QdrantRequests.DenseQuery("chunks", new float[] { 1, 0 }, filter, 5);
        var hybrid = QdrantRequests.Hybrid("chunks", "canary", new float[] { 1, 0 }, filter, 20, 5);

        foreach (var f in new[] { lexical.Filter, dense.Filter, hybrid.Filter, hybrid.Prefetch[0].Filter, hybrid.Prefetch[1].Filter })
        {
            Assert.Contains(f.Must, c => c.Filter?.Should.Any(s => s.Field?.Key == "readers") == true);
        }
    }

    [Fact]
    public void A_point_stores_its_documents_readers_and_nobody_for_a_document_narrowed_to_no_one()
    {
        var open = QdrantRequests.Point(Chunk(0, "text"));
        var narrowed = QdrantRequests.Point(Chunk(0, "text") with { Readers = ["u:alice", "g:sales"] });
        var nobody = QdrantRequests.Point(Chunk(0, "text") with { Readers = [] });

        Assert.Empty(open.Payload["readers"].ListValue.Values);
        Assert.Equal(["g:sales", "u:alice"], narrowed.Payload["readers"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal([QdrantRequests.Nobody], nobody.Payload["readers"].ListValue.Values.Select(v => v.StringValue));
    }

    [Fact]
    public void Setting_readers_updates_the_payload_of_one_documents_points_only()
    {
        var request = QdrantRequests.SetReaders("chunks", Document, ["u:alice"]);

        Assert.Equal("document_id", Assert.Single(request.PointsSelector.Filter.Must).Field.Key);
        Assert.Equal(Document.ToString(), request.PointsSelector.Filter.Must[0].Field.Match.Keyword);
        Assert.Equal(["readers"], request.Payload.Keys);
        Assert.Equal("u:alice", Assert.Single(request.Payload["readers"].ListValue.Values).StringValue);
        Assert.Empty(QdrantRequests.SetReaders("chunks", Document, null).Payload["readers"].ListValue.Values);
    }

    [Fact]
    public void The_readers_field_has_a_keyword_index()
    {
        Assert.Contains(QdrantRequests.PayloadIndexes("chunks"), i => i.FieldName == "readers" && i.FieldType == FieldType.Keyword);
    }
}
