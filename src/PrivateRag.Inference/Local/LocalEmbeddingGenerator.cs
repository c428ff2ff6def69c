using LLama;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Local;

/// <summary>
/// Embeddings from a local GGUF model. One embedding context is kept and used by one call at a time; each call packs as
/// many inputs as fit into one decode (one sequence per input), and truncates inputs longer than the context by tokens.
/// Returns raw pooled vectors: prefixes and normalisation are added by <see cref="PurposeEmbeddingGenerator"/>.
/// </summary>
/// <remarks>
/// LLamaSharp's own <see cref="LLamaEmbedder"/> creates a context per input, throws on inputs longer than the context
/// and is not safe for concurrent calls, hence this class.
/// </remarks>
internal sealed class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const uint MaxSequencesPerDecode = 16;

    private readonly LocalModel _model;
    private readonly ModelCapabilityStatus _status;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata;
    private LLamaContext? _context;
    private bool _disposed;

    public LocalEmbeddingGenerator(LocalModel model, ModelCapabilityStatus status, ILogger<LocalEmbeddingGenerator> logger)
    {
        _model = model;
        _status = status;
        _logger = logger;
        _metadata = new EmbeddingGeneratorMetadata("llamasharp", new Uri(System.IO.Path.GetFullPath(model.Path)), status.ModelName);
    }

    /// <summary>
    /// Most tokens one input may have; longer inputs are cut to this many: the context and batch size, and the
    /// model's trained context (BERT has position embeddings for 512 tokens only; more would read past the table).
    /// </summary>
    internal int MaxInputTokens(LLamaContext context)
    {
        var limit = (int)Math.Min(_model.Options.ContextSize, _model.Options.BatchSize);
        var trained = context.NativeHandle.ModelHandle.ContextSize;
        return trained > 0 ? Math.Min(limit, trained) : limit;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count) { Usage = new UsageDetails { InputTokenCount = 0 } };
        if (inputs.Count == 0) return result;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var context = await GetContextAsync(cancellationToken);
            var tokenized = inputs.Select(text => Tokenize(context, text)).ToList();
            var batch = new LLamaBatch();
            var batchCapacity = (int)context.BatchSize;
            var maxSequences = (int)Math.Min(context.NativeHandle.MaxSeq, MaxSequencesPerDecode);

            for (var next = 0; next < tokenized.Count;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.Clear();
                var first = next;
                while (next < tokenized.Count && next - first < maxSequences && batch.TokenCount + tokenized[next].Length <= batchCapacity)
                {
                    // Pooling reads every token's output: mark them all (llama.cpp warns and overrides otherwise).
                    var sequence = (LLamaSeqId)(next - first);
                    var tokens = tokenized[next];
                    for (var position = 0; position < tokens.Length; position++)
                        batch.Add(tokens[position], position, sequence, true);
                    next++;
                }

                context.NativeHandle.MemoryClear();
                await Task.Run(() => Evaluate(context, batch), CancellationToken.None);

                for (var i = first; i < next; i++)
                {
                    var vector = context.NativeHandle.GetEmbeddingsSeq((LLamaSeqId)(i - first)).ToArray();
                    result.Add(new Embedding<float>(vector) { ModelId = _status.ModelName, CreatedAt = DateTimeOffset.UtcNow });
                    result.Usage.InputTokenCount += tokenized[i].Length;
                }
            }

            context.NativeHandle.MemoryClear();
            result.Usage.TotalTokenCount = result.Usage.InputTokenCount;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void Evaluate(LLamaContext context, LLamaBatch batch)
    {
        if (context.NativeHandle.ModelHandle is { HasEncoder: true, HasDecoder: false })
        {
            var encoded = context.Encode(batch);
            if (encoded != EncodeResult.Ok) throw new RuntimeError($"The embedding model failed to encode the batch: {encoded}");
            return;
        }

        var decoded = context.Decode(batch);
        if (decoded != DecodeResult.Ok) throw new LLamaDecodeError(decoded);
    }

    private LLamaToken[] Tokenize(LLamaContext context, string text)
    {
        var vocab = context.Vocab;
        // add_special adds BOS (and EOS/SEP for BERT-style vocabularies); text is never parsed for control tokens.
        var tokens = context.Tokenize(text.Length == 0 ? " " : text, addBos: true, special: false);
        var limit = MaxInputTokens(context);
        if (tokens.Length <= limit) return tokens;

        _logger.LogDebug("Embedding input of {Tokens} tokens truncated to {Limit}", tokens.Length, limit);
        var truncated = tokens[..limit];
        // Keep the closing token the tokenizer added, as the model was trained with it: EOS, or for BERT-style
        // vocabularies [SEP] (llama.cpp adds it without declaring EOS, so ShouldAddEOS is false for them).
        if (vocab.ShouldAddEOS && vocab.EOS is { } eos && tokens[^1] == eos)
            truncated[^1] = eos;
        else if (vocab.SEP is { } sep && tokens[^1] == sep)
            truncated[^1] = sep;
        return truncated;
    }

    private async ValueTask<LLamaContext> GetContextAsync(CancellationToken cancellationToken)
    {
        if (_context is { } existing) return existing;

        var weights = await _model.GetWeightsAsync(cancellationToken);
        var parameters = _model.CreateParams();
        parameters.Embeddings = true;
        // Non-causal models must see a whole input in one micro-batch; each input fits in one batch by truncation.
        parameters.UBatchSize = parameters.BatchSize;
        parameters.SeqMax = MaxSequencesPerDecode;
        parameters.KVUnified = true;
        parameters.PoolingType = PoolingFor(weights);

        var context = weights.CreateContext(parameters, _logger);
        if (context.NativeHandle.PoolingType == LLamaPoolingType.None)
        {
            context.Dispose();
            throw new NotSupportedException($"The model '{_status.ModelName}' has no pooling for sentence embeddings.");
        }

        _status.SetEmbeddingDimensions(context.EmbeddingSize);
        _context = context;
        return context;
    }

    /// <summary>The model's own pooling when its GGUF declares one (BERT/nomic: mean or CLS, Qwen3-Embedding: last), otherwise mean.</summary>
    private static LLamaPoolingType PoolingFor(LLamaWeights weights)
    {
        var metadata = weights.Metadata;
        if (metadata.TryGetValue("general.architecture", out var arch)
            && metadata.TryGetValue($"{arch}.pooling_type", out var pooling)
            && int.TryParse(pooling, out var declared) && declared > 0)
        {
            return LLamaPoolingType.Unspecified;
        }

        return LLamaPoolingType.Mean;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _context?.Dispose();
            _context = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
