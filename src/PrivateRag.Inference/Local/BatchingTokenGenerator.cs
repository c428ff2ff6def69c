using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference.Local;

/// <summary>
/// Continuous batching on one model: one LLamaSharp context holds up to <see cref="ChatSchedulerOptions.MaxConcurrent"/>
/// sequences (one per conversation, each with its own KV cache of <c>Models:Chat:ContextSize</c> tokens), and one
/// scheduler thread decodes them together: every step carries the next token of each generating conversation plus
/// a slice of at most <see cref="ChatSchedulerOptions.PrefillSliceTokens"/> prompt tokens of newly started ones.
/// Requests beyond the free sequences wait in a bounded queue served round-robin between users; a full queue refuses
/// with <see cref="InferenceBusyException"/>. A cancelled or abandoned request gives its sequence back before the next step.
/// </summary>
internal sealed class BatchingTokenGenerator : ITokenGenerator, IChatSchedulerStatus, IDisposable
{
    private const string AnonymousUser = "";

    private readonly LocalModel _model;
    private readonly ChatSchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly GenerationThroughput? _throughput;
    private readonly Lock _lock = new();
    private readonly FairQueue<Job> _queue = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private Slot?[] _slots = [];
    private int _active;
    private double _averageRequestSeconds;
    private LLamaContext? _context;
    private Thread? _thread;
    private volatile bool _stopping;

    public BatchingTokenGenerator(
        LocalModel model, ChatSchedulerOptions options, ILogger<BatchingTokenGenerator> logger, GenerationThroughput? throughput = null)
    {
        _model = model;
        _options = options;
        _logger = logger;
        _throughput = throughput;
    }

    public int Active { get { lock (_lock) return _active; } }

    public int Queued { get { lock (_lock) return _queue.Count; } }

    public int MaxConcurrent => _options.MaxConcurrent;

    public int MaxQueue => _options.MaxQueue;

    /// <summary>Tokens one conversation may hold (prompt and output).</summary>
    private int SequenceContext => (int)_model.Options.ContextSize;

    public async IAsyncEnumerable<GenerationStep> GenerateAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken);
        var prompt = Tokenize(_context!, request.Prompt);
        if (prompt.Length >= SequenceContext)
        {
            throw new InvalidOperationException(
                $"The prompt has {prompt.Length} tokens but the chat model's context holds {SequenceContext}; shorten it (count with ITokenizer) or raise Models:Chat:ContextSize.");
        }

        var job = new Job(request, prompt);
        Enqueue(job);
        try
        {
            using var registration = cancellationToken.Register(static j => ((Job)j!).Cancel(), job);
            var reader = job.Output.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var step))
                {
                    cancellationToken.ThrowIfCancellationRequested(); // tokens already produced are dropped at once
                    yield return step;
                    if (step.Stop is not null) yield break;
                }
            }
        }
        finally
        {
            // Cancelled, abandoned by the consumer, or done: a queued job leaves the queue now, a running one its
            // sequence before the next decode step.
            Abandon(job);
        }
    }

    private void Enqueue(Job job)
    {
        List<(Job, QueuePosition)> reports;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_active + _queue.Count >= _options.MaxConcurrent + _options.MaxQueue)
                throw new InferenceBusyException(EstimateRetryAfter(), _active, _queue.Count);
            _queue.Enqueue(job.User, job);
            reports = QueuePositions();
        }

        Report(reports);
        _wake.Set();
    }

    private void Abandon(Job job)
    {
        if (!job.Cancel()) return; // finished normally
        List<(Job, QueuePosition)>? reports = null;
        lock (_lock)
        {
            if (_queue.Remove(job.User, job)) reports = QueuePositions();
        }

        if (reports is not null) Report(reports);
        _wake.Set(); // a running job's sequence is freed by the scheduler thread
    }

    /// <summary>Positions that changed since last reported; call under the lock, report outside it.</summary>
    private List<(Job, QueuePosition)> QueuePositions()
    {
        var changed = new List<(Job, QueuePosition)>();
        var ahead = 0;
        foreach (var job in _queue.InServiceOrder())
        {
            if (job.LastReportedAhead != ahead && job.Request.QueueProgress is not null)
            {
                job.LastReportedAhead = ahead;
                changed.Add((job, new QueuePosition(ahead, Started: false)));
            }

            ahead++;
        }

        return changed;
    }

    private void Report(List<(Job Job, QueuePosition Position)> reports)
    {
        foreach (var (job, position) in reports)
        {
            try
            {
                job.Request.QueueProgress?.Report(position);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogWarning(ex, "A queue progress callback failed");
            }
        }
    }

    private TimeSpan EstimateRetryAfter()
    {
        // Roughly: the waiting requests drain MaxConcurrent at a time, each taking about the average request time.
        var perRequest = _averageRequestSeconds > 0 ? _averageRequestSeconds : _options.DefaultRetryAfterSeconds;
        var rounds = 1 + (double)_queue.Count / _options.MaxConcurrent;
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(perRequest * rounds / 2), 1, 300));
    }

    private async ValueTask EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _thread) is not null) return;
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_thread is not null) return;
            ObjectDisposedException.ThrowIf(_stopping, this);
            var weights = await _model.GetWeightsAsync(cancellationToken);
            var parameters = _model.CreateParams();
            // One KV stream per sequence: each conversation gets exactly ContextSize tokens and batched attention stays cheap.
            parameters.SeqMax = (uint)_options.MaxConcurrent;
            parameters.ContextSize = _model.Options.ContextSize * (uint)_options.MaxConcurrent;
            parameters.KVUnified = false;
            _context = await Task.Run(() => weights.CreateContext(parameters, _logger), cancellationToken);
            _slots = new Slot?[_options.MaxConcurrent];
            var thread = new Thread(Run) { IsBackground = true, Name = "PrivateRag chat scheduler" };
            thread.Start();
            Volatile.Write(ref _thread, thread);
            _logger.LogInformation("Chat scheduler started: {Sequences} sequences of {Context} tokens, queue of {Queue}",
                _options.MaxConcurrent, SequenceContext, _options.MaxQueue);
        }
        finally
        {
            _startGate.Release();
        }
    }

    private void Run()
    {
        var context = _context!;
        var batch = new LLamaBatch();
        while (!_stopping)
        {
            try
            {
                if (!Step(context, batch)) _wake.WaitOne(TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogError(ex, "The chat scheduler failed a step; the requests in it are failed");
                FailActive(context, ex);
            }
        }

        FailActive(context, new ObjectDisposedException(nameof(BatchingTokenGenerator)));
        lock (_lock)
        {
            while (_queue.TryDequeue(out var job)) job.Fail(new ObjectDisposedException(nameof(BatchingTokenGenerator)));
        }
    }

    /// <summary>One decode step over every active sequence; false when there was nothing to do.</summary>
    private bool Step(LLamaContext context, LLamaBatch batch)
    {
        var handle = context.NativeHandle;
        List<(Job, QueuePosition)> reports;
        lock (_lock)
        {
            // Give back the sequences of cancelled requests, then fill free sequences from the queue, fairly.
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_slots[i] is { Job.IsCancelled: true } cancelled) Free(handle, i, cancelled);
            }

            var admitted = new List<Job>();
            for (var i = 0; i < _slots.Length && _queue.Count > 0; i++)
            {
                if (_slots[i] is not null) continue;
                if (!_queue.TryDequeue(out var job)) break;
                if (!job.TryStart()) { i--; continue; } // cancelled while waiting
                _slots[i] = new Slot(job, (LLamaSeqId)i, context);
                _active++;
                admitted.Add(job);
            }

            reports = admitted.Count > 0 ? QueuePositions() : [];
            foreach (var job in admitted)
            {
                if (job.Request.QueueProgress is not null) reports.Add((job, new QueuePosition(0, Started: true)));
            }

            if (_active == 0) return false;
        }

        Report(reports);

        // The next token of every generating conversation, then prompt slices of the ones still reading their prompt.
        batch.Clear();
        var capacity = (int)context.BatchSize;
        var generating = 0;
        foreach (var slot in _slots)
        {
            if (slot is null || !slot.IsGenerating) continue;
            slot.BatchIndex = batch.Add(slot.Next, slot.Position, slot.Sequence, true);
            slot.Position++;
            generating++;
        }

        var prefillBudget = capacity - generating;
        if (generating > 0) prefillBudget = Math.Min(prefillBudget, _options.PrefillSliceTokens);
        foreach (var slot in _slots.Where(s => s is { IsGenerating: false }).OrderBy(s => s!.Job.StartedAt))
        {
            if (prefillBudget <= 0) break;
            var prompt = slot!.Job.Prompt;
            var count = Math.Min(prefillBudget, prompt.Length - slot.Position);
            var last = slot.Position + count == prompt.Length;
            var index = batch.AddRange(prompt.AsSpan(slot.Position, count), slot.Position, slot.Sequence, last);
            slot.Position += count;
            slot.BatchIndex = last ? index : -1;
            prefillBudget -= count;
        }

        if (batch.TokenCount == 0) return false;
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok) throw new LLamaDecodeError(result);

        // Sample for every sequence that has logits in this step.
        var generated = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { BatchIndex: >= 0 } slot) continue;
            var index = slot.BatchIndex;
            slot.BatchIndex = -1;
            if (slot.Job.IsCancelled) continue; // freed at the start of the next step

            var token = slot.Sampler.Sample(handle, index);
            if (token.IsEndOfGeneration(context.Vocab)) { Finish(handle, i, slot, GenerationStop.EndOfGeneration); continue; }

            slot.Output++;
            generated++;
            slot.Decoder.Add(token);
            slot.Job.Write(new GenerationStep(slot.Decoder.Read(), slot.Job.Prompt.Length, slot.Output, null));
            slot.Next = token;
            slot.IsGenerating = true;
            if (slot.Output >= slot.Job.Request.MaxOutputTokens) Finish(handle, i, slot, GenerationStop.MaxOutputTokens);
            else if (slot.Position >= SequenceContext) Finish(handle, i, slot, GenerationStop.ContextFull);
        }

        _throughput?.Record(generated);
        return true;
    }

    private void Finish(SafeLLamaContextHandle handle, int index, Slot slot, GenerationStop stop)
    {
        slot.Job.Write(new GenerationStep(slot.Decoder.Read(), slot.Job.Prompt.Length, slot.Output, stop));
        slot.Job.Complete(null);
        var seconds = (DateTime.UtcNow - slot.Job.StartedAt).TotalSeconds;
        lock (_lock)
        {
            _averageRequestSeconds = _averageRequestSeconds <= 0 ? seconds : 0.8 * _averageRequestSeconds + 0.2 * seconds;
            Free(handle, index, slot);
        }
    }

    /// <summary>Gives the sequence back: its KV cache is cleared and its sampler freed. Call under the lock.</summary>
    private void Free(SafeLLamaContextHandle handle, int index, Slot slot)
    {
        handle.MemorySequenceRemove(slot.Sequence, -1, -1);
        slot.Sampler.Dispose();
        slot.Job.Complete(new OperationCanceledException("The request was cancelled."));
        _slots[index] = null;
        _active--;
    }

    private void FailActive(LLamaContext context, Exception error)
    {
        lock (_lock)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_slots[i] is not { } slot) continue;
                slot.Job.Complete(error);
                Free(context.NativeHandle, i, slot);
            }
        }
    }

    private static LLamaToken[] Tokenize(LLamaContext context, string prompt)
    {
        // Templates may already write the BOS text; parse special tokens, and never start with two BOS.
        var tokens = context.Tokenize(prompt, addBos: context.Vocab.ShouldAddBOS, special: true);
        if (tokens.Length >= 2 && context.Vocab.BOS is { } bos && tokens[0] == bos && tokens[1] == bos)
            tokens = tokens[1..];
        if (tokens.Length == 0) throw new ArgumentException("The prompt is empty.", nameof(prompt));
        return tokens;
    }

    private static DefaultSamplingPipeline CreateSampler(GenerationRequest request)
    {
        var sampler = new DefaultSamplingPipeline
        {
            Temperature = request.Temperature,
            TopP = request.TopP ?? 0.95f,
            TopK = request.TopK ?? 40,
            MinP = 0.05f,
            FrequencyPenalty = request.FrequencyPenalty ?? 0f,
            PresencePenalty = request.PresencePenalty ?? 0f,
        };
        if (request.Seed is { } seed) sampler.Seed = seed;
        return sampler;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_stopping) return; // registered under two service types: disposed twice
            _stopping = true;
        }

        _wake.Set();
        if (_thread is { } thread && !thread.Join(TimeSpan.FromSeconds(30)))
            _logger.LogWarning("The chat scheduler did not stop within 30 s");
        lock (_lock)
        {
            while (_queue.TryDequeue(out var job)) job.Fail(new ObjectDisposedException(nameof(BatchingTokenGenerator)));
        }

        _context?.Dispose();
        _context = null;
        _wake.Dispose();
    }

    /// <summary>One request, from enqueue until its consumer is done with it.</summary>
    private sealed class Job(GenerationRequest request, LLamaToken[] prompt)
    {
        private const int Waiting = 0, Running = 1, Done = 2, Cancelled = 3;
        private int _state;

        public GenerationRequest Request { get; } = request;

        public LLamaToken[] Prompt { get; } = prompt;

        public string User { get; } = request.User ?? AnonymousUser;

        public Channel<GenerationStep> Output { get; } = Channel.CreateUnbounded<GenerationStep>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public DateTime StartedAt { get; private set; }

        public int LastReportedAhead { get; set; } = -1;

        public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

        public bool TryStart()
        {
            StartedAt = DateTime.UtcNow;
            return Interlocked.CompareExchange(ref _state, Running, Waiting) == Waiting;
        }

        /// <summary>True when this call cancelled it; false when it had already finished or been cancelled.</summary>
        public bool Cancel()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state is Done or Cancelled) return false;
                if (Interlocked.CompareExchange(ref _state, Cancelled, state) == state) return true;
            }
        }

        public void Write(GenerationStep step) => Output.Writer.TryWrite(step);

        public void Complete(Exception? error)
        {
            if (error is null) Interlocked.CompareExchange(ref _state, Done, Running);
            Output.Writer.TryComplete(error is OperationCanceledException ? null : error);
        }

        public void Fail(Exception error)
        {
            Interlocked.Exchange(ref _state, Done);
            Output.Writer.TryComplete(error);
        }
    }

    /// <summary>A running request's sequence in the shared context.</summary>
    private sealed class Slot(Job job, LLamaSeqId sequence, LLamaContext context)
    {
        public Job Job { get; } = job;

        public LLamaSeqId Sequence { get; } = sequence;

        public DefaultSamplingPipeline Sampler { get; } = CreateSampler(job.Request);

        /// <summary>Joins multi-byte UTF-8 characters split across tokens.</summary>
        public StreamingTokenDecoder Decoder { get; } = new(Encoding.UTF8, context.NativeHandle);

        /// <summary>Tokens of this sequence in the KV cache (after the pending step).</summary>
        public int Position { get; set; }

        /// <summary>Where this sequence's logits are in the current batch; -1 when it has none.</summary>
        public int BatchIndex { get; set; } = -1;

        /// <summary>The prompt is in the cache and <see cref="Next"/> is the token to decode next.</summary>
        public bool IsGenerating { get; set; }

        public LLamaToken Next { get; set; }

        public int Output { get; set; }
    }
}
