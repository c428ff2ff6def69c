using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateRag.Inference.Server;

// The subset of the OpenAI wire format this server speaks (snake_case, as OpenAI clients send and expect it).

internal sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("messages")] public List<ChatMessageDto>? Messages { get; set; }
    [JsonPropertyName("stream")] public bool Stream { get; set; }
    [JsonPropertyName("stream_options")] public StreamOptionsDto? StreamOptions { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; set; }
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    [JsonPropertyName("stop")] public JsonElement? Stop { get; set; }
    [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; set; }
    [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
}

internal sealed class StreamOptionsDto
{
    [JsonPropertyName("include_usage")] public bool IncludeUsage { get; set; }
}

internal sealed class ChatMessageDto
{
    [JsonPropertyName("role")] public string? Role { get; set; }

    /// <summary>A string, or an array of content parts of which the <c>text</c> ones are used.</summary>
    [JsonPropertyName("content")] public JsonElement? Content { get; set; }
}

internal sealed record ChatCompletionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoiceDto> Choices,
    [property: JsonPropertyName("usage")] UsageDto? Usage);

internal sealed record ChatChoiceDto(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ResponseMessageDto? Message,
    [property: JsonPropertyName("delta")] ResponseMessageDto? Delta,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

internal sealed record ResponseMessageDto(
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("content")] string? Content);

internal sealed record UsageDto(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);

internal sealed class EmbeddingRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }

    /// <summary>A string or an array of strings (token arrays are not accepted).</summary>
    [JsonPropertyName("input")] public JsonElement? Input { get; set; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32, what the official OpenAI SDKs ask for).</summary>
    [JsonPropertyName("encoding_format")] public string? EncodingFormat { get; set; }

    /// <summary>Extension: <c>query</c> or <c>document</c>, to apply the model's configured prefix.</summary>
    [JsonPropertyName("input_type")] public string? InputType { get; set; }

    [JsonPropertyName("user")] public string? User { get; set; }
}

internal sealed record EmbeddingResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingDto> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingUsageDto Usage);

internal sealed record EmbeddingDto(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding);

internal sealed record EmbeddingUsageDto(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);

internal sealed record ModelListResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelDto> Data);

internal sealed record ModelDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("capability")] string Capability);

internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorDto Error);

internal sealed record ErrorDto(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("code")] string? Code);
