using Microsoft.Extensions.AI;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Core.Tests.Retrieval;

/// <summary>
/// A deterministic embedding generator: words (lower-cased, first five letters) hashed into 16 buckets. Texts
/// sharing words are near; the real model path is tested with LLamaSharp elsewhere.
/// </summary>
internal sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 16;

    public List<EmbeddingGenerationOptions?> Calls { get; } = [];

    public bool Fail { get; set; }

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.Split((char[])[' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries))
        {
            var stem = word.ToLowerInvariant();
            stem = stem[..Math.Min(5, stem.Length)];
            var bucket = 0;
            foreach (var c in stem) bucket = (bucket * 31 + c) % Dimensions;
            vector[bucket] += 1;
        }
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(options);
        if (Fail) throw new InvalidOperationException("The embedding model is not loaded.");
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>An index that returns fixed hit lists and records the filters it was asked with.</summary>
internal sealed class StubChunkIndex : IChunkIndex
{
    public IReadOnlyList<ChunkHit> Lexical { get; set; } = [];

    public IReadOnlyList<ChunkHit> Dense { get; set; } = [];

    public List<IndexFilter> Filters { get; } = [];

    public int Calls => Filters.Count;

    public Task<IReadOnlyList<ChunkHit>> SearchLexicalAsync(string query, IndexFilter filter, int top, CancellationToken ct = default)
    {
        lock (Filters) Filters.Add(filter);
        return Task.FromResult<IReadOnlyList<ChunkHit>>(Lexical.Take(top).ToList());
    }

    public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ReadOnlyMemory<float> vector, IndexFilter filter, int top, CancellationToken ct = default)
    {
        lock (Filters) Filters.Add(filter);
        return Task.FromResult<IReadOnlyList<ChunkHit>>(Dense.Take(top).ToList());
    }

    public Task ReplaceDocumentAsync(Guid documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken ct = default) => throw new NotSupportedException();

    public Task DeleteDocumentAsync(Guid documentId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task SetDocumentReadersAsync(Guid documentId, IReadOnlyCollection<string>? readers, CancellationToken ct = default) => throw new NotSupportedException();

    public Task SetDocumentNameAsync(Guid documentId, string name, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<IndexedChunk>> GetAsync(IReadOnlyCollection<string> chunkIds, IndexFilter filter, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<IndexedChunk>> GetDocumentChunksAsync(Guid documentId, IndexFilter filter, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IndexStats> GetStatsAsync(CancellationToken ct = default) => throw new NotSupportedException();
}

/// <summary>A reranker stand-in (no reranker model can be obtained here): passages containing the keyword score high.</summary>
internal sealed class KeywordReranker(string keyword) : IPassageReranker
{
    public List<string> Seen { get; } = [];

    public bool Fail { get; set; }

    public Task<IReadOnlyList<float>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default)
    {
        if (Fail) throw new InvalidOperationException("The reranker model is not loaded.");
        Seen.AddRange(passages);
        IReadOnlyList<float> scores = [.. passages.Select((p, i) => (p.Contains(keyword, StringComparison.OrdinalIgnoreCase) ? 0.9f : 0.1f) - i * 0.001f)];
        return Task.FromResult(scores);
    }
}
