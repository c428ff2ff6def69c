using Microsoft.Extensions.AI;

namespace PrivateRag.Inference;

/// <summary>A remote OpenAI-compatible chat model with this project's defaults (output limit, temperature) applied.</summary>
internal sealed class RemoteChatClient(IChatClient inner, ChatModelOptions defaults) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithDefaults(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithDefaults(options), cancellationToken);

    private ChatOptions WithDefaults(ChatOptions? options)
    {
        var result = options?.Clone() ?? new ChatOptions();
        result.MaxOutputTokens ??= defaults.MaxOutputTokens;
        result.Temperature ??= defaults.Temperature;
        return result;
    }
}
