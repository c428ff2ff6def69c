using Microsoft.Extensions.AI;
using PrivateRag.Core.Operations;

namespace PrivateRag.Core.Indexing;

/// <summary>
/// At start, compares the configured embedding model's vector size with the vectors already in the index. A model
/// swapped for one of another size would make every new document fail and every dense search throw; this stops the
/// app at start instead, with the way out in the message.
/// </summary>
public sealed class EmbeddingDimensionCheck(IChunkIndex index, ModelCapabilities models) : IStartupTask
{
    public const string ReindexCommand = "privaterag reindex --all --rebuild-index";

    Task IStartupTask.RunAsync(CancellationToken ct) => CheckAsync(ct);

    /// <summary>Throws <see cref="InvalidOperationException"/> when the model's and the index's dimensions differ.</summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        if (models.Embedder is not { } embedder) return;
        var stats = await index.GetStatsAsync(ct);
        if (stats.VectorDimensions is not { } indexed) return;
        var probe = await embedder.GenerateAsync(["dimension probe"], new EmbeddingGenerationOptions { AdditionalProperties = new() { ["input_type"] = "query" } }, ct);
        var produced = probe[0].Vector.Length;
        if (produced != indexed)
        {
            throw new InvalidOperationException(
                $"The index holds {indexed}-dimensional vectors but Models:Embedding produces {produced}-dimensional ones. " +
                $"Either configure the embedding model the index was built with, or re-embed every document: stop the app and run " +
                $"'{ReindexCommand}' on the same data folder (with Index:Provider=Qdrant, delete the Qdrant collection first and use 'privaterag reindex --all').");
        }
    }
}
