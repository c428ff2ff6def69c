using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateRag.Web.Agents;

/// <summary>
/// The OpenAI chat-completions wire format, as far as PrivateRag speaks it. Field names are OpenAI's (snake_case);
/// <c>citations</c> is PrivateRag's extension: what the numbered references in the answer point at.
/// </summary>
public static class OpenAiModels
{
    public sealed record ModelList(string Object, IReadOnlyList<Model> Data);

    /// <param name="Id">A collection's name, or <c>all</c> for every collection the caller may read.</param>
    public sealed record Model(string Id, string Object, long Created, [property: JsonPropertyName("owned_by")] string OwnedBy);

    /// <param name="Content">A string, or an array of parts of which the <c>text</c> ones are read.</param>
    public sealed record Message(string? Role, JsonElement? Content);

    /// <summary>The request; other OpenAI parameters (temperature, max_tokens, tools…) are accepted and ignored.</summary>
    /// <param name="Model">A model id from <c>GET /v1/models</c>: a collection's name or <c>all</c>.</param>
    /// <param name="Messages">The conversation; the last user message is the question, earlier turns are its history.</param>
    public sealed record ChatCompletionRequest(string? Model, IReadOnlyList<Message>? Messages, bool? Stream);

    public sealed record AnswerMessage(string Role, string Content);

    public sealed record Choice(int Index, AnswerMessage Message, [property: JsonPropertyName("finish_reason")] string FinishReason);

    /// <param name="Citations">The passages the answer's numbered references point at (PrivateRag's extension).</param>
    public sealed record ChatCompletion(
        string Id, string Object, long Created, string Model, IReadOnlyList<Choice> Choices, IReadOnlyList<CitationInfo> Citations);

    public sealed record Delta(string? Role, string? Content);

    public sealed record ChunkChoice(int Index, Delta Delta, [property: JsonPropertyName("finish_reason")] string? FinishReason);

    /// <param name="Citations">Sent with the last chunk only (the one with a finish reason).</param>
    public sealed record ChatCompletionChunk(
        string Id, string Object, long Created, string Model, IReadOnlyList<ChunkChoice> Choices,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CitationInfo>? Citations = null);

    /// <param name="Index">The n of the answer's <c>[n]</c> marker.</param>
    /// <param name="Url">The source viewer at this passage (needs the reader's own sign-in).</param>
    /// <param name="Cited">False for the nearest passages shown when nothing answered the question.</param>
    public sealed record CitationInfo(
        int Index,
        [property: JsonPropertyName("document_id")] Guid DocumentId,
        [property: JsonPropertyName("document_name")] string DocumentName,
        [property: JsonPropertyName("collection_id")] Guid CollectionId,
        int Page,
        [property: JsonPropertyName("page_end")] int PageEnd,
        string Snippet,
        [property: JsonPropertyName("chunk_id")] string ChunkId,
        string Url,
        bool Cited,
        bool Verified);

    public sealed record ErrorBody(ErrorDetail Error);

    /// <param name="Type"><c>invalid_request_error</c>, <c>not_found_error</c> or <c>server_error</c>.</param>
    public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);
}
