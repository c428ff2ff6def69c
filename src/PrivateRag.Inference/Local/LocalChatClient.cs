using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference.Local;

/// <summary>
/// <see cref="IChatClient"/> over a local GGUF model: formats the conversation with the model's chat template, streams
/// the reply token by token, stops at end-of-generation tokens, template and caller stop strings, and the output limit,
/// and reports token usage. Scheduling of requests on the model is the <see cref="ITokenGenerator"/>'s job.
/// </summary>
internal sealed class LocalChatClient : IChatClient
{
    private readonly LocalModel _model;
    private readonly ITokenGenerator _generator;
    private readonly ChatModelOptions _options;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata;
    private readonly SemaphoreSlim _formatterGate = new(1, 1);
    private ChatPromptFormatter? _formatter;

    public LocalChatClient(LocalModel model, ITokenGenerator generator, ChatModelOptions options, string? modelName, ILogger<LocalChatClient> logger)
    {
        _model = model;
        _generator = generator;
        _options = options;
        _logger = logger;
        _metadata = new ChatClientMetadata("llamasharp", new Uri(System.IO.Path.GetFullPath(model.Path)), modelName);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatResponseUpdate? last = null;
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            last = update;
        }

        var id = last?.ResponseId ?? NewId();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()) { MessageId = id })
        {
            ResponseId = id,
            ModelId = _metadata.DefaultModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = last?.FinishReason,
            Usage = usage,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var formatter = await GetFormatterAsync(cancellationToken);
        var request = new GenerationRequest(
            formatter.Format(messages, options?.Instructions),
            options?.MaxOutputTokens ?? _options.MaxOutputTokens,
            options?.Temperature ?? _options.Temperature)
        {
            TopP = options?.TopP,
            TopK = options?.TopK,
            Seed = options?.Seed is { } seed ? unchecked((uint)seed) : null,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
            User = options?.AdditionalProperties?.TryGetValue(ChatScheduling.UserKey, out var user) is true ? user?.ToString() : null,
            QueueProgress = options?.AdditionalProperties?.TryGetValue(ChatScheduling.QueueProgressKey, out var progress) is true
                ? progress as IProgress<QueuePosition> : null,
        };
        if (request.MaxOutputTokens < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxOutputTokens must be at least 1.");

        var stops = new StopSequenceMatcher([.. formatter.StopSequences, .. options?.StopSequences ?? []]);
        var id = NewId();
        var promptTokens = 0;
        var outputTokens = 0;
        ChatFinishReason? finish = null;

        await foreach (var step in _generator.GenerateAsync(request, cancellationToken))
        {
            promptTokens = step.PromptTokens;
            outputTokens = step.OutputTokens;
            var text = stops.Append(step.Text);
            if (text.Length > 0) yield return Update(id, text);

            if (stops.Stopped) { finish = ChatFinishReason.Stop; break; }
            if (step.Stop is { } stop)
            {
                finish = stop == GenerationStop.EndOfGeneration ? ChatFinishReason.Stop : ChatFinishReason.Length;
                break;
            }
        }

        var rest = stops.Flush();
        if (rest.Length > 0) yield return Update(id, rest);

        var final = Update(id, null);
        final.FinishReason = finish ?? ChatFinishReason.Stop;
        final.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = promptTokens,
            OutputTokenCount = outputTokens,
            TotalTokenCount = promptTokens + outputTokens,
        }));
        _logger.LogDebug("Generated {OutputTokens} tokens for a {PromptTokens}-token prompt ({Finish})", outputTokens, promptTokens, final.FinishReason);
        yield return final;
    }

    private ChatResponseUpdate Update(string id, string? text) => new(ChatRole.Assistant, text)
    {
        ResponseId = id,
        MessageId = id,
        ModelId = _metadata.DefaultModelId,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    private async ValueTask<ChatPromptFormatter> GetFormatterAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _formatter) is { } formatter) return formatter;
        await _formatterGate.WaitAsync(cancellationToken);
        try
        {
            if (_formatter is null)
            {
                var weights = await _model.GetWeightsAsync(cancellationToken);
                Volatile.Write(ref _formatter, ChatPromptFormatter.Create(weights, _logger));
            }

            return _formatter!;
        }
        finally
        {
            _formatterGate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The generator and the model are owned by the container.
    }
}
