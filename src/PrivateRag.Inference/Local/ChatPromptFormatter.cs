using System.Text;
using LLama;
using LLama.Exceptions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Local;

/// <summary>
/// Turns a conversation into the prompt text the model was trained on: the chat template from the GGUF metadata
/// (<c>tokenizer.chat_template</c>, applied by llama.cpp through <see cref="LLamaTemplate"/>), or ChatML when the model
/// has no template or llama.cpp does not recognise it. Also knows the template's end-of-turn strings.
/// </summary>
internal sealed class ChatPromptFormatter
{
    /// <summary>End-of-turn markers of common templates: when the template uses one, generated text stops at it.</summary>
    private static readonly string[] KnownTurnEnds =
    [
        "<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|END_OF_TURN_TOKEN|>",
        "<|end_of_text|>", "<｜end▁of▁sentence｜>", "</s>",
    ];

    private static readonly string[] ChatMlStops = ["<|im_end|>", "<|im_start|>"];

    private readonly string? _template;

    private ChatPromptFormatter(string? template, IReadOnlyList<string> stopSequences)
    {
        _template = template;
        StopSequences = stopSequences;
    }

    /// <summary>True when the model's own template is used; false for the ChatML fallback.</summary>
    public bool UsesModelTemplate => _template is not null;

    /// <summary>Text that ends the assistant's turn, besides the model's end-of-generation tokens.</summary>
    public IReadOnlyList<string> StopSequences { get; }

    public static ChatPromptFormatter Create(LLamaWeights weights, ILogger logger)
    {
        var template = weights.NativeHandle.GetTemplate(name: null, strict: false);
        if (string.IsNullOrWhiteSpace(template))
        {
            logger.LogInformation("The chat model has no chat template in its metadata; using ChatML.");
            return new ChatPromptFormatter(null, ChatMlStops);
        }

        var stops = KnownTurnEnds.Where(template.Contains).ToArray();
        var formatter = new ChatPromptFormatter(template, stops);
        try
        {
            // llama.cpp recognises well-known templates by their text; find out now whether this one is.
            formatter.Format([new ChatMessage(ChatRole.System, "s"), new ChatMessage(ChatRole.User, "u")]);
            return formatter;
        }
        catch (MissingTemplateException)
        {
            logger.LogWarning("llama.cpp does not recognise the chat model's template; using ChatML, which may lower answer quality.");
            return new ChatPromptFormatter(null, ChatMlStops);
        }
    }

    /// <summary>The prompt for the given conversation, ending where the assistant's reply begins.</summary>
    public string Format(IEnumerable<ChatMessage> messages, string? instructions = null)
    {
        var turns = new List<(string Role, string Content)>();
        if (!string.IsNullOrWhiteSpace(instructions)) turns.Add(("system", instructions));
        foreach (var message in messages)
            turns.Add((RoleName(message.Role), message.Text));

        return _template is null ? FormatChatMl(turns) : FormatWithTemplate(_template, turns);
    }

    private static string RoleName(ChatRole role) =>
        role == ChatRole.System ? "system" : role == ChatRole.Assistant ? "assistant" : "user";

    private static string FormatWithTemplate(string template, List<(string Role, string Content)> turns)
    {
        var applier = new LLamaTemplate(template) { AddAssistant = true };
        foreach (var (role, content) in turns) applier.Add(role, content);
        return LLamaTemplate.Encoding.GetString(applier.Apply());
    }

    private static string FormatChatMl(List<(string Role, string Content)> turns)
    {
        var text = new StringBuilder();
        foreach (var (role, content) in turns)
            text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        return text.Append("<|im_start|>assistant\n").ToString();
    }
}
