using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Local;

/// <summary>
/// One GGUF file's weights, loaded on first use (thread-safe; a failed load is retried next time) and freed with the
/// container. Contexts are created from it by the components that use it.
/// </summary>
internal sealed class LocalModel : IDisposable
{
    private static int s_logHooked;

    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly ModelOptions _options;
    private readonly ModelCapabilityStatus? _status;
    private readonly ILogger _logger;
    private LLamaWeights? _weights;
    private bool _disposed;

    public LocalModel(ModelOptions options, ModelCapabilityStatus? status, ILoggerFactory loggerFactory)
    {
        _options = options;
        _status = status;
        _logger = loggerFactory.CreateLogger<LocalModel>();
        HookNativeLog(loggerFactory);
    }

    public ModelOptions Options => _options;

    public string Path => _options.Path!;

    public bool IsLoaded => Volatile.Read(ref _weights) is not null;

    public LLamaWeights GetWeights()
    {
        if (Volatile.Read(ref _weights) is { } loaded) return loaded;
        _loadGate.Wait();
        try
        {
            return LoadUnderGate();
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public async ValueTask<LLamaWeights> GetWeightsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _weights) is { } loaded) return loaded;
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            // Loading a multi-GB file is blocking native work: keep it off the caller's thread.
            return await Task.Run(LoadUnderGate, cancellationToken);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>Context parameters for this model with the configured size, threads and GPU layers.</summary>
    public ModelParams CreateParams() => new(Path)
    {
        ContextSize = _options.ContextSize,
        BatchSize = _options.BatchSize,
        UBatchSize = Math.Min(_options.BatchSize, 512u),
        GpuLayerCount = _options.GpuLayers, // LLamaSharp defaults to 20, we default to CPU only
        Threads = _options.Threads,
        BatchThreads = _options.Threads,
    };

    private LLamaWeights LoadUnderGate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_weights is { } loaded) return loaded;

        var started = TimeProvider.System.GetTimestamp();
        var weights = LLamaWeights.LoadFromFile(CreateParams());
        Volatile.Write(ref _weights, weights);
        _status?.MarkLoaded(new LoadedModelFacts(weights.SizeInBytes, weights.ParameterCount, weights.EmbeddingSize, weights.ContextSize));
        _logger.LogInformation("Loaded model {File} ({Parameters:N0} parameters, embedding size {EmbeddingSize}, trained context {TrainedContext}) in {Elapsed:N0} ms",
            System.IO.Path.GetFileName(Path), weights.ParameterCount, weights.EmbeddingSize, weights.ContextSize,
            TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return weights;
    }

    private static void HookNativeLog(ILoggerFactory loggerFactory)
    {
        // llama.cpp's log sink is process-wide: route it once into our logging instead of stderr.
        if (Interlocked.Exchange(ref s_logHooked, 1) == 0)
            NativeLogConfig.llama_log_set(new DisposalTolerantLogger(loggerFactory.CreateLogger("LLama.Native")));
    }

    /// <summary>The native sink outlives the container that hooked it (tests build many): drop lines once its logging is gone.</summary>
    private sealed class DisposalTolerantLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel)
        {
            try { return inner.IsEnabled(logLevel); }
            catch (ObjectDisposedException) { return false; }
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try { inner.Log(logLevel, eventId, state, exception, formatter); }
            catch (ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        _loadGate.Wait();
        try
        {
            _disposed = true;
            _weights?.Dispose();
            _weights = null;
        }
        finally
        {
            _loadGate.Release();
        }
    }
}
