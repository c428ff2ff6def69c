using Microsoft.Extensions.AI;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Tests.Indexing;

public sealed class EmbeddingDimensionCheckTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "privaterag-dims", Guid.NewGuid().ToString("N"));

    /// <summary>An embedding model stand-in of a fixed size (the boundary under test is the size, not the values).</summary>
    private sealed class FixedSizeEmbedder(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(Enumerable.Repeat(1f / MathF.Sqrt(dimensions), dimensions).ToArray()))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private async Task<EmbeddingDimensionCheck> CheckWithAsync(int indexed, int model)
    {
        var index = new EmbeddedChunkIndex(Path.Combine(_folder, "chunks.db"));
        var document = Guid.NewGuid();
        var collection = Guid.NewGuid();
        await index.ReplaceDocumentAsync(document,
            [new IndexedChunk(IndexedChunk.MakeId(document, 0), document, collection, "a.txt", 0, 1, 1, null, 0, 4, "text", Enumerable.Repeat(0.5f, indexed).ToArray())]);
        return new EmbeddingDimensionCheck(index, new ModelCapabilities(embedder: new FixedSizeEmbedder(model)));
    }

    [Fact]
    public async Task A_model_of_another_size_than_the_index_stops_the_start_with_the_way_out()
    {
        var check = await CheckWithAsync(indexed: 8, model: 4);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => check.CheckAsync());
        Assert.Contains("8-dimensional", error.Message);
        Assert.Contains("4-dimensional", error.Message);
        Assert.Contains(EmbeddingDimensionCheck.ReindexCommand, error.Message);
    }

    [Fact]
    public async Task The_same_size_passes()
    {
        var check = await CheckWithAsync(indexed: 8, model: 8);
        await check.CheckAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
