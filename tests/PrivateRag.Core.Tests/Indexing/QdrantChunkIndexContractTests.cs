using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Qdrant;

namespace PrivateRag.Core.Tests.Indexing;

/// <summary>
/// The contract suite against a real Qdrant (gRPC URL in <c>QDRANT_URL</c>, e.g. <c>http://localhost:6334</c>; start
/// one with <c>docker compose -f docker/compose.qdrant.yaml up -d</c>). Each test uses its own Qdrant collection.
/// Skipped, with that reason, when the variable is not set.
/// </summary>
public sealed class QdrantChunkIndexContractTests : ChunkIndexContractTests
{
    public const string SkipReason = "QDRANT_URL is not set: the Qdrant contract suite needs a running Qdrant (docker/compose.qdrant.yaml).";

    private readonly string _collection = "privaterag_test_" + Guid.NewGuid().ToString("N");

    protected override IChunkIndex OpenIndex()
    {
        var url = Environment.GetEnvironmentVariable("QDRANT_URL");
        Skip.If(string.IsNullOrWhiteSpace(url), SkipReason);
        return new QdrantChunkIndex(Microsoft.Extensions.Options.Options.Create(new QdrantIndexOptions
        {
            Url = new Uri(url!),
            ApiKey = Environment.GetEnvironmentVariable("QDRANT_API_KEY"),
            Collection = _collection,
        }));
    }
}
