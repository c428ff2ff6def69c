using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
// The Web SDK's implicit usings bring ASP.NET Core's SessionOptions too.
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace PrivateRag.Inference.Onnx;

/// <summary>
/// Embeddings from a sentence-transformer exported to ONNX (BERT-style encoders: MiniLM, BGE, E5, Arctic-embed), run
/// with ONNX Runtime. Inputs are WordPiece-tokenized and truncated to <see cref="OnnxModelFiles.MaxTokens"/>, sorted
/// by length and packed into batches padded only to their longest input; the token vectors are pooled (mean under the
/// attention mask, or [CLS]). Returns raw pooled vectors: prefixes and normalisation are added by
/// <see cref="PurposeEmbeddingGenerator"/>, as for the LLamaSharp embedder.
/// </summary>
/// <remarks>
/// The session is created on first use. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, but each run already uses <c>Threads</c> intra-op threads: more runs at once than cores / threads
/// would only oversubscribe the CPU, so concurrent callers queue for that many run slots.
/// </remarks>
internal sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Inputs per run at most, however short: bounds the memory of one run's output (inputs x tokens x width floats).</summary>
    private const int MaxInputsPerRun = 64;

    private readonly EmbeddingModelOptions _options;
    private readonly ModelCapabilityStatus _status;
    private readonly ILogger _logger;
    private readonly Lazy<WordPieceTokenizer> _tokenizer;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly SemaphoreSlim _runSlots;
    private readonly int _slots;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private Loaded? _loaded;
    private bool _disposed;

    public OnnxEmbeddingGenerator(EmbeddingModelOptions options, ModelCapabilityStatus status, ILogger<OnnxEmbeddingGenerator> logger)
    {
        _options = options;
        _status = status;
        _logger = logger;
        Files = OnnxModelFiles.Resolve(options);
        _tokenizer = new Lazy<WordPieceTokenizer>(() => WordPieceTokenizer.Load(Files.TokenizerPath), LazyThreadSafetyMode.ExecutionAndPublication);
        _slots = options.Threads is { } threads ? Math.Max(1, Environment.ProcessorCount / threads) : 1;
        _runSlots = new SemaphoreSlim(_slots, _slots);
        _metadata = new EmbeddingGeneratorMetadata("onnxruntime", new Uri(Path.GetFullPath(Files.ModelPath)), status.ModelName);
    }

    public OnnxModelFiles Files { get; }

    /// <summary>Word pieces in a text as this model's tokenizer counts them (no [CLS]/[SEP]).</summary>
    public int CountTokens(string text) => _tokenizer.Value.CountTokens(text);

    /// <summary>Creates the session now (the inference server warms models up at start).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken) => await GetLoadedAsync(cancellationToken);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count) { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } };
        if (inputs.Count == 0) return result;

        var loaded = await GetLoadedAsync(cancellationToken);
        var tokenizer = _tokenizer.Value;
        var tokenized = new int[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++) tokenized[i] = tokenizer.Encode(inputs[i] ?? "", Files.MaxTokens);

        var vectors = new float[inputs.Count][];
        foreach (var batch in Batches(tokenized, (int)_options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _runSlots.WaitAsync(cancellationToken);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                await Task.Run(() => Run(loaded, tokenizer.PaddingId, tokenized, batch, vectors, cancellationToken), CancellationToken.None);
            }
            finally
            {
                _runSlots.Release();
            }
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var vector in vectors) result.Add(new Embedding<float>(vector) { ModelId = _status.ModelName, CreatedAt = now });
        result.Usage.InputTokenCount = result.Usage.TotalTokenCount = tokenized.Sum(t => (long)t.Length);
        if (_status.EmbeddingDimensions is null) _status.SetEmbeddingDimensions(vectors[0].Length);
        return result;
    }

    /// <summary>
    /// Input indices grouped into runs: longest first, so each run's inputs are of similar length and padding is
    /// small; a run holds inputs while (inputs x its longest) stays within <paramref name="tokenBudget"/> padded
    /// tokens, at least one input and at most <see cref="MaxInputsPerRun"/>.
    /// </summary>
    internal static IEnumerable<int[]> Batches(int[][] tokenized, int tokenBudget)
    {
        var order = Enumerable.Range(0, tokenized.Length).OrderByDescending(i => tokenized[i].Length).ThenBy(i => i).ToArray();
        for (var start = 0; start < order.Length;)
        {
            var longest = tokenized[order[start]].Length;
            var count = Math.Clamp(tokenBudget / Math.Max(1, longest), 1, MaxInputsPerRun);
            count = Math.Min(count, order.Length - start);
            yield return order[start..(start + count)];
            start += count;
        }
    }

    private static void Run(Loaded loaded, int paddingId, int[][] tokenized, int[] batch, float[][] vectors, CancellationToken cancellationToken)
    {
        var rows = batch.Length;
        var columns = batch.Max(i => tokenized[i].Length);
        var ids = new long[rows * columns];
        var mask = new long[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            var tokens = tokenized[batch[r]];
            for (var c = 0; c < columns; c++)
            {
                var real = c < tokens.Length;
                ids[r * columns + c] = real ? tokens[c] : paddingId;
                mask[r * columns + c] = real ? 1 : 0;
            }
        }

        long[] shape = [rows, columns];
        var values = new List<OrtValue>(3);
        try
        {
            foreach (var input in loaded.Inputs)
            {
                var data = input.Role switch
                {
                    InputRole.Ids => ids,
                    InputRole.Mask => mask,
                    _ => new long[rows * columns], // one segment: every token type is 0
                };
                values.Add(input.Int32
                    ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (int)v), shape)
                    : OrtValue.CreateTensorValueFromMemory(data, shape));
            }

            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = loaded.Session.Run(runOptions, loaded.Inputs.Select(i => i.Name).ToArray(), values, [loaded.OutputName]);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using (outputs)
            {
                var output = outputs[0];
                var dims = output.GetTensorTypeAndShape().Shape;
                var data = output.GetTensorDataAsSpan<float>();
                if (loaded.Pooled)
                {
                    var width = (int)dims[^1];
                    for (var r = 0; r < rows; r++) vectors[batch[r]] = data.Slice(r * width, width).ToArray();
                    return;
                }

                var hidden = (int)dims[2];
                for (var r = 0; r < rows; r++)
                {
                    var tokens = tokenized[batch[r]].Length;
                    var sequence = data.Slice(r * columns * hidden, columns * hidden);
                    vectors[batch[r]] = loaded.Pooling == OnnxPooling.Cls ? sequence[..hidden].ToArray() : Mean(sequence, tokens, hidden);
                }
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>The average of the first <paramref name="tokens"/> token vectors: the attention mask covers exactly those.</summary>
    private static float[] Mean(ReadOnlySpan<float> sequence, int tokens, int hidden)
    {
        var sum = new float[hidden];
        for (var t = 0; t < tokens; t++)
        {
            var row = sequence.Slice(t * hidden, hidden);
            for (var i = 0; i < hidden; i++) sum[i] += row[i];
        }

        for (var i = 0; i < hidden; i++) sum[i] /= tokens;
        return sum;
    }

    private async ValueTask<Loaded> GetLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loaded) is { } loaded) return loaded;
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loaded is { } existing) return existing;
            // Reading a 100 MB+ model and optimising its graph is blocking native work: keep it off the caller's thread.
            var created = await Task.Run(Load, cancellationToken);
            Volatile.Write(ref _loaded, created);
            return created;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private Loaded Load()
    {
        var started = TimeProvider.System.GetTimestamp();
        _ = _tokenizer.Value; // a broken tokenizer fails the load, not the first request after it
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
        };
        try
        {
            if (_options.Threads is { } threads) sessionOptions.IntraOpNumThreads = threads;
            var device = "CPU";
#if ONNX_CUDA
            if (_options.GpuLayers != 0)
            {
                // Operators CUDA lacks fall back to the CPU provider appended after it.
                sessionOptions.AppendExecutionProvider_CUDA(0);
                device = "CUDA";
            }
#else
            if (_options.GpuLayers != 0)
                _logger.LogWarning("Models:Embedding:GpuLayers is {GpuLayers}, but this is a CPU build: the ONNX model runs on the CPU (build with -p:LlamaBackend=Cuda12 for CUDA)", _options.GpuLayers);
#endif
            var session = new InferenceSession(Files.ModelPath, sessionOptions);
            try
            {
                var loaded = Describe(session, sessionOptions);
                if (loaded.Dimensions > 0) _status.SetEmbeddingDimensions(loaded.Dimensions);
                _logger.LogInformation(
                    "Loaded ONNX embedding model {File} on {Device} in {Elapsed:N0} ms: inputs {Inputs}, output {Output}, pooling {Pooling} ({PoolingSource}), {MaxTokens} tokens, {Threads} intra-op threads, {Slots} concurrent runs",
                    Path.GetFileName(Files.ModelPath), device, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds,
                    string.Join(", ", loaded.Inputs.Select(i => i.Name)), loaded.OutputName, loaded.Pooled ? "in the model" : loaded.Pooling.ToString().ToLowerInvariant(),
                    Files.PoolingSource, Files.MaxTokens, _options.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default", _slots);
                return loaded;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Which inputs the graph takes (some exports omit <c>token_type_ids</c>) and which output to read: a pooled
    /// <c>sentence_embedding</c> when the export has one, else the token vectors (<c>token_embeddings</c> or
    /// <c>last_hidden_state</c>) pooled here.
    /// </summary>
    private Loaded Describe(InferenceSession session, SessionOptions sessionOptions)
    {
        var inputs = new List<ModelInput>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            var role = name switch
            {
                "input_ids" => InputRole.Ids,
                "attention_mask" => InputRole.Mask,
                "token_type_ids" => InputRole.TokenTypes,
                _ => throw new NotSupportedException($"The ONNX model '{Files.ModelPath}' has an input '{name}'; sentence-transformer exports take input_ids, attention_mask and optionally token_type_ids."),
            };
            if (meta.ElementDataType is not (TensorElementType.Int64 or TensorElementType.Int32))
                throw new NotSupportedException($"The ONNX model's input '{name}' is {meta.ElementDataType}; int64 or int32 token ids are supported.");
            inputs.Add(new ModelInput(name, role, meta.ElementDataType == TensorElementType.Int32));
        }

        if (!inputs.Any(i => i.Role == InputRole.Ids))
            throw new NotSupportedException($"The ONNX model '{Files.ModelPath}' has no input_ids input; it is not a sentence-transformer export.");

        var outputs = session.OutputMetadata;
        string? outputName = null;
        var pooled = false;
        if (outputs.TryGetValue("sentence_embedding", out var sentence) && sentence.Dimensions.Length == 2)
        {
            (outputName, pooled) = ("sentence_embedding", true);
        }
        else
        {
            outputName = new[] { "token_embeddings", "last_hidden_state" }.FirstOrDefault(n => outputs.TryGetValue(n, out var m) && m.Dimensions.Length == 3)
                         ?? outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3 && o.Value.ElementDataType == TensorElementType.Float).Key;
        }

        if (outputName is null || outputs[outputName].ElementDataType != TensorElementType.Float)
            throw new NotSupportedException($"The ONNX model '{Files.ModelPath}' has no float sentence_embedding, token_embeddings or last_hidden_state output (it has {string.Join(", ", outputs.Keys)}).");

        var dimensions = outputs[outputName].Dimensions[^1];
        return new Loaded(session, sessionOptions, inputs, outputName, pooled, Files.Pooling, dimensions);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        _loadGate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            // Take every run slot: no run is using the session when it is freed.
            for (var i = 0; i < _slots; i++) _runSlots.Wait();
            _loaded?.Session.Dispose();
            _loaded?.SessionOptions.Dispose();
            _loaded = null;
            // Callers still queued for a slot get it and fail with ObjectDisposedException instead of waiting forever.
            _runSlots.Release(_slots);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private enum InputRole
    {
        Ids,
        Mask,
        TokenTypes,
    }

    private sealed record ModelInput(string Name, InputRole Role, bool Int32);

    private sealed record Loaded(
        InferenceSession Session, SessionOptions SessionOptions, IReadOnlyList<ModelInput> Inputs, string OutputName, bool Pooled, OnnxPooling Pooling, int Dimensions);
}
