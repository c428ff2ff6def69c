using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using PrivateRag.Core;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Inference.Server;

/// <summary>
/// The OpenAI-compatible API of the inference server: <c>POST /v1/chat/completions</c> (plain, or server-sent events
/// ending in <c>data: [DONE]</c> with <c>stream: true</c>), <c>POST /v1/embeddings</c> and <c>GET /v1/models</c>, each
/// behind an API key from <c>Inference:ApiKeys</c>. A busy scheduler answers 503 with <c>Retry-After</c>.
/// </summary>
public static class OpenAiApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public static RouteGroupBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/v1").AddEndpointFilter<ApiKeyFilter>().RequireRateLimiting(InferenceRateLimits.Policy);
        group.MapPost("/chat/completions", ChatCompletionsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        group.MapGet("/models", ListModels);
        return group;
    }

    // The models come as ModelCapabilities (null when not configured), joined to Inference by the host's model bridges.
    private static async Task ChatCompletionsAsync(
        HttpContext http, ModelCapabilities models, InferenceStatus status, IOptions<ModelsOptions> settings, IOptions<InferenceServerOptions> limits)
    {
        var ct = http.RequestAborted;
        if (models.Chat is not { } chat)
        {
            await WriteErrorAsync(http, StatusCodes.Status404NotFound, "No chat model is configured on this server (Models:Chat:Path).", "invalid_request_error", "model_not_found");
            return;
        }

        ChatCompletionRequest? request;
        try
        {
            request = await ReadJsonAsync<ChatCompletionRequest>(http, limits.Value.MaxRequestBytes, ct);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {ex.Message}", "invalid_request_error", null);
            return;
        }
        catch (RequestTooLargeException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, ex.Message, "invalid_request_error", "request_too_large");
            return;
        }

        if (request?.Messages is not { Count: > 0 } dtos)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "'messages' must hold at least one message.", "invalid_request_error", null);
            return;
        }

        List<ChatMessage> messages;
        List<string> stops;
        try
        {
            messages = dtos.Select(ToChatMessage).ToList();
            stops = StopSequences(request.Stop);
        }
        catch (FormatException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message, "invalid_request_error", null);
            return;
        }

        var requested = request.MaxCompletionTokens ?? request.MaxTokens;
        if (requested is <= 0)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "'max_tokens' must be at least 1.", "invalid_request_error", null);
            return;
        }
        // Asking for more than the server allows gets what it allows: one caller cannot hold a sequence to the end of its context.
        var ceiling = settings.Value.Chat.MaxOutputTokens;
        var options = new ChatOptions
        {
            MaxOutputTokens = Math.Min(requested ?? ceiling, ceiling),
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            StopSequences = stops.Count > 0 ? stops : null,
            AdditionalProperties = new() { [ChatScheduling.UserKey] = ApiKeyFilter.UserKey(http, request.User) },
        };
        var model = status.Chat.ModelName ?? "chat";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // The first update is awaited before anything is written, so a refusal (busy, prompt too long) is a clean status code.
        await using var updates = chat.GetStreamingResponseAsync(messages, options, ct).GetAsyncEnumerator(ct);
        bool any;
        try
        {
            any = await updates.MoveNextAsync();
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            await refusal(http);
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // the client went away while waiting
        }

        if (request.Stream)
            await StreamAsync(http, updates, any, model, created, request.StreamOptions?.IncludeUsage ?? false);
        else
            await RespondAsync(http, updates, any, model, created);
    }

    private static async Task RespondAsync(HttpContext http, IAsyncEnumerator<ChatResponseUpdate> updates, bool any, string model, long created)
    {
        var text = new System.Text.StringBuilder();
        string? id = null;
        string? finish = null;
        UsageDetails? usage = null;
        for (var more = any; more; more = await updates.MoveNextAsync())
        {
            var update = updates.Current;
            id ??= update.ResponseId;
            text.Append(update.Text);
            finish = update.FinishReason?.Value ?? finish;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        var response = new ChatCompletionResponse(id ?? NewId(), "chat.completion", created, model,
            [new ChatChoiceDto(0, new ResponseMessageDto("assistant", text.ToString()), null, finish ?? "stop")], Usage(usage));
        await http.Response.WriteAsJsonAsync(response, Json, http.RequestAborted);
    }

    private static async Task StreamAsync(
        HttpContext http, IAsyncEnumerator<ChatResponseUpdate> updates, bool any, string model, long created, bool includeUsage)
    {
        var ct = http.RequestAborted;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";

        var id = NewId();
        UsageDetails? usage = null;
        string? finish = null;
        try
        {
            await WriteEventAsync(http, Chunk(id, created, model, new ResponseMessageDto("assistant", ""), null), ct);
            for (var more = any; more; more = await updates.MoveNextAsync())
            {
                var update = updates.Current;
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                finish = update.FinishReason?.Value ?? finish;
                if (update.Text.Length > 0)
                    await WriteEventAsync(http, Chunk(id, created, model, new ResponseMessageDto(null, update.Text), null), ct);
            }

            await WriteEventAsync(http, Chunk(id, created, model, new ResponseMessageDto(null, null), finish ?? "stop"), ct);
            if (includeUsage)
                await WriteEventAsync(http, new ChatCompletionResponse(id, "chat.completion.chunk", created, model, [], Usage(usage)), ct);
            await http.Response.WriteAsync("data: [DONE]\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client disconnected: leaving the enumeration has already given its sequence back.
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !ct.IsCancellationRequested)
        {
            await WriteEventAsync(http, new ErrorResponse(new ErrorDto(ex.Message, "server_error", null)), ct);
        }
    }

    private static ChatCompletionResponse Chunk(string id, long created, string model, ResponseMessageDto delta, string? finish) =>
        new(id, "chat.completion.chunk", created, model, [new ChatChoiceDto(0, null, delta, finish)], null);

    private static async Task WriteEventAsync<T>(HttpContext http, T payload, CancellationToken ct)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload, Json) + "\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private static async Task EmbeddingsAsync(HttpContext http, ModelCapabilities models, InferenceStatus status, IOptions<InferenceServerOptions> limits)
    {
        var ct = http.RequestAborted;
        if (models.Embedder is not { } generator)
        {
            await WriteErrorAsync(http, StatusCodes.Status404NotFound, "No embedding model is configured on this server (Models:Embedding:Path).", "invalid_request_error", "model_not_found");
            return;
        }

        EmbeddingRequest? request;
        List<string> inputs;
        try
        {
            request = await ReadJsonAsync<EmbeddingRequest>(http, limits.Value.MaxRequestBytes, ct);
            inputs = Inputs(request?.Input);
            if (inputs.Count > limits.Value.MaxEmbeddingInputs)
                throw new FormatException($"'input' holds {inputs.Count} texts; at most {limits.Value.MaxEmbeddingInputs} are accepted per call (Inference:Server:MaxEmbeddingInputs).");
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message, "invalid_request_error", null);
            return;
        }
        catch (RequestTooLargeException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, ex.Message, "invalid_request_error", "request_too_large");
            return;
        }

        var base64 = string.Equals(request?.EncodingFormat, "base64", StringComparison.OrdinalIgnoreCase);
        var options = new EmbeddingGenerationOptions();
        if (request?.InputType is { } inputType) options.AdditionalProperties = new() { [EmbeddingPurpose.Key] = inputType };

        var embeddings = await generator.GenerateAsync(inputs, options, ct);
        var data = embeddings.Select((e, i) => new EmbeddingDto("embedding", i, base64 ? ToBase64(e.Vector) : e.Vector.ToArray())).ToList();
        var tokens = embeddings.Usage?.InputTokenCount ?? 0;
        await http.Response.WriteAsJsonAsync(
            new EmbeddingResponse("list", data, status.Embedding.ModelName ?? "embedding", new EmbeddingUsageDto(tokens, tokens)), Json, ct);
    }

    private static IResult ListModels(InferenceStatus status)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var models = new[] { status.Chat, status.Embedding }
            .Where(c => c.IsConfigured && c.ModelName is not null)
            .Select(c => new ModelDto(c.ModelName!, "model", created, "privaterag", c.Capability))
            .ToList();
        return Results.Json(new ModelListResponse("list", models), Json);
    }

    /// <summary>What to answer when a request is refused before anything was generated; null when it was not a refusal.</summary>
    private static Func<HttpContext, Task>? Refusal(Exception ex) => ex switch
    {
        InferenceBusyException busy => http =>
        {
            http.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return WriteErrorAsync(http, StatusCodes.Status503ServiceUnavailable, busy.Message, "server_busy", "busy");
        },
        InvalidOperationException { Message: var m } when m.Contains("context", StringComparison.Ordinal) =>
            http => WriteErrorAsync(http, StatusCodes.Status400BadRequest, m, "invalid_request_error", "context_length_exceeded"),
        ArgumentException arg => http => WriteErrorAsync(http, StatusCodes.Status400BadRequest, arg.Message, "invalid_request_error", null),
        _ => null,
    };

    /// <summary>
    /// Reads a JSON body of at most <paramref name="limit"/> bytes: a declared length over it is refused before reading,
    /// and a chunked body is cut off as soon as it passes it (Kestrel's own limit is set to the same figure).
    /// </summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Request.ContentLength > limit) throw new RequestTooLargeException(limit);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (body.Length + read > limit) throw new RequestTooLargeException(limit);
                body.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new RequestTooLargeException(limit);
        }
        body.Position = 0;
        return await JsonSerializer.DeserializeAsync<T>(body, Json, ct);
    }

    private sealed class RequestTooLargeException(long limit)
        : Exception($"The request body is larger than {limit} bytes (Inference:Server:MaxRequestBytes).");

    internal static IResult Error(int status, string message, string type, string? code) =>
        Results.Json(new ErrorResponse(new ErrorDto(message, type, code)), Json, statusCode: status);

    internal static Task WriteErrorAsync(HttpContext http, int status, string message, string type, string? code)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ErrorResponse(new ErrorDto(message, type, code)), Json);
    }

    private static ChatMessage ToChatMessage(ChatMessageDto dto)
    {
        var role = dto.Role?.ToLowerInvariant() switch
        {
            "system" or "developer" => ChatRole.System,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            "user" => ChatRole.User,
            _ => throw new FormatException($"Unknown message role '{dto.Role}'."),
        };
        return new ChatMessage(role, ContentText(dto.Content));
    }

    private static string ContentText(JsonElement? content) => content switch
    {
        null => "",
        { ValueKind: JsonValueKind.Null } => "",
        { ValueKind: JsonValueKind.String } s => s.GetString() ?? "",
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.GetString() == "text")
            .Select(p => p.TryGetProperty("text", out var text) ? text.GetString() : "")),
        _ => throw new FormatException("A message's 'content' must be a string or an array of content parts."),
    };

    private static List<string> StopSequences(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => e.GetString() ?? "").Where(e => e.Length > 0).ToList(),
        _ => throw new FormatException("'stop' must be a string or an array of strings."),
    };

    private static List<string> Inputs(JsonElement? input) => input switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            a.EnumerateArray().Select(e => e.GetString()!).ToList(),
        _ => throw new FormatException("'input' must be a string or an array of strings."),
    };

    private static string ToBase64(ReadOnlyMemory<float> vector)
    {
        var bytes = MemoryMarshal.AsBytes(vector.Span);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("base64 embeddings are little-endian float32.");
        return Convert.ToBase64String(bytes);
    }

    private static UsageDto? Usage(UsageDetails? usage) => usage is null ? null
        : new UsageDto(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0, usage.TotalTokenCount ?? 0);

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
