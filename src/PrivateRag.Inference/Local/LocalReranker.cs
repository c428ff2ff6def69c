using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Local;

/// <summary>
/// A cross-encoder reranker GGUF (bge-reranker, jina-reranker: models with a classification head, pooled with llama.cpp's
/// RANK pooling) run in-process through LLamaSharp's <see cref="LLamaReranker"/>. One context is kept and used by one
/// call at a time; scores are normalised to 0-1.
/// </summary>
public sealed class LocalReranker : IDisposable
{
    private readonly LocalModel _model;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LLamaReranker? _reranker;
    private bool _disposed;

    internal LocalReranker(LocalModel model, ILogger<LocalReranker> logger)
    {
        _model = model;
        _logger = logger;
    }

    /// <summary>One relevance score (0-1) per passage, in the order given.</summary>
    public async Task<IReadOnlyList<float>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(passages);
        if (passages.Count == 0) return [];

        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var reranker = await GetRerankerAsync(ct);
            return await reranker.GetRelevanceScores(query, passages, normalize: true, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<LLamaReranker> GetRerankerAsync(CancellationToken ct)
    {
        if (_reranker is { } existing) return existing;
        var weights = await _model.GetWeightsAsync(ct);
        var parameters = _model.CreateParams();
        parameters.Embeddings = true;
        parameters.PoolingType = LLamaPoolingType.Rank;
        // A query and a passage are scored together as one sequence; the batch must hold the longest pair.
        parameters.UBatchSize = parameters.BatchSize;
        _reranker = new LLamaReranker(weights, parameters, _logger);
        return _reranker;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _reranker?.Dispose();
        _gate.Dispose();
    }
}
