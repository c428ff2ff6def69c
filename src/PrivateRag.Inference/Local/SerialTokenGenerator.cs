using System.Runtime.CompilerServices;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Local;

/// <summary>
/// Serves one generation at a time on one LLamaSharp context, cleared before each request so conversations never see
/// each other's state. Waiting requests queue on a semaphore.
/// </summary>
internal sealed class SerialTokenGenerator(LocalModel model, ILogger<SerialTokenGenerator> logger) : ITokenGenerator, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LLamaContext? _context;
    private bool _disposed;

    public async IAsyncEnumerable<GenerationStep> GenerateAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var context = await GetContextAsync(cancellationToken);
            var handle = context.NativeHandle;
            handle.MemoryClear();

            var prompt = Tokenize(context, request.Prompt);
            var contextSize = (int)context.ContextSize;
            if (prompt.Length >= contextSize)
            {
                throw new InvalidOperationException(
                    $"The prompt has {prompt.Length} tokens but the chat model's context holds {contextSize}; shorten it (count with ITokenizer) or raise Models:Chat:ContextSize.");
            }

            // Prefill in batch-size chunks; only the prompt's last token needs logits.
            var batch = new LLamaBatch();
            var chunk = (int)context.BatchSize;
            for (var start = 0; start < prompt.Length; start += chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(chunk, prompt.Length - start);
                batch.Clear();
                batch.AddRange(prompt.AsSpan(start, count), start, LLamaSeqId.Zero, start + count == prompt.Length);
                await DecodeAsync(context, batch);
            }

            using var sampler = CreateSampler(request);
            var decoder = new StreamingTokenDecoder(context); // joins multi-byte UTF-8 sequences split across tokens
            var vocab = context.Vocab;
            var position = prompt.Length;
            var output = 0;
            GenerationStop stop;

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (output >= request.MaxOutputTokens) { stop = GenerationStop.MaxOutputTokens; break; }
                if (position >= contextSize) { stop = GenerationStop.ContextFull; break; }

                var token = sampler.Sample(handle, batch.TokenCount - 1); // samples and accepts
                if (token.IsEndOfGeneration(vocab)) { stop = GenerationStop.EndOfGeneration; break; }

                output++;
                decoder.Add(token);
                yield return new GenerationStep(decoder.Read(), prompt.Length, output, null);

                batch.Clear();
                batch.Add(token, position++, LLamaSeqId.Zero, true);
                await DecodeAsync(context, batch);
            }

            yield return new GenerationStep(decoder.Read(), prompt.Length, output, stop);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static LLamaToken[] Tokenize(LLamaContext context, string prompt)
    {
        // Templates may already write the BOS text; parse special tokens, and never start with two BOS.
        var tokens = context.Tokenize(prompt, addBos: context.Vocab.ShouldAddBOS, special: true);
        if (tokens.Length >= 2 && context.Vocab.BOS is { } bos && tokens[0] == bos && tokens[1] == bos)
            tokens = tokens[1..];
        return tokens;
    }

    private static async Task DecodeAsync(LLamaContext context, LLamaBatch batch)
    {
        // Not cancellable mid-call (one native decode); the caller checks cancellation between calls.
        var result = await Task.Run(() => context.Decode(batch), CancellationToken.None);
        if (result != DecodeResult.Ok)
            throw new LLamaDecodeError(result);
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

    private async ValueTask<LLamaContext> GetContextAsync(CancellationToken cancellationToken)
    {
        if (_context is { } existing) return existing;
        var weights = await model.GetWeightsAsync(cancellationToken);
        _context = weights.CreateContext(model.CreateParams(), logger);
        return _context;
    }

    public void Dispose()
    {
        // Wait for a running generation to finish its current step before freeing the context under it.
        var entered = _gate.Wait(TimeSpan.FromSeconds(30));
        try
        {
            _disposed = true;
            _context?.Dispose();
            _context = null;
        }
        finally
        {
            if (entered) _gate.Release();
        }
    }
}
