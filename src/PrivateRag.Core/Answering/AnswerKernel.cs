using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace PrivateRag.Core.Answering;

/// <summary>
/// The generation steps as Semantic Kernel prompt functions over the configured <see cref="IChatClient"/>:
/// condensing a follow-up into a standalone question, and the grounded answer. Running them through the kernel
/// gives every step the same filters (telemetry, audit) and renders untrusted text only as template variables,
/// which Semantic Kernel encodes so a source can never open a message of its own.
/// </summary>
public sealed class AnswerKernel
{
    private readonly Kernel _kernel;

    public AnswerKernel(IChatClient chat, IEnumerable<IFunctionInvocationFilter> filters)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(chat);
        foreach (var filter in filters) builder.Services.AddSingleton(filter);
        _kernel = builder.Build();
    }

    public string ModelId => _kernel.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId ?? "chat model";

    /// <summary>Streams the grounded answer's text as the model writes it.</summary>
    public async IAsyncEnumerable<string> StreamAnswerAsync(
        string question, IReadOnlyList<NumberedSource> sources, IReadOnlyList<(bool FromUser, string Text)> history,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var (template, arguments) = ChatTemplate(GroundedPrompt.SystemRules, history, GroundedPrompt.SourcesAndQuestion(question, sources));
        var function = KernelFunctionFactory.CreateFromPrompt(Config("answer", template, arguments));
        await foreach (var piece in _kernel.InvokeStreamingAsync(function, arguments, ct))
        {
            var text = piece.ToString();
            if (!string.IsNullOrEmpty(text)) yield return text;
        }
    }

    /// <summary>Rewrites a follow-up ("and in 2023?") as a question that stands on its own, for retrieval.</summary>
    public async Task<string> CondenseAsync(string question, IReadOnlyList<(bool FromUser, string Text)> history, CancellationToken ct)
    {
        var (template, arguments) = ChatTemplate(CondenseRules, history, $"Follow-up question: {question}\nStandalone question:");
        var config = Config("condense", template, arguments);
        config.ExecutionSettings["default"] = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 96, ["temperature"] = 0.0 } };
        var result = await _kernel.InvokeAsync(KernelFunctionFactory.CreateFromPrompt(config), arguments, ct);
        var text = result.ToString().Trim().Trim('"');
        var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        // A model that rambles or answers instead of rewriting is not trusted with retrieval: keep the original.
        return string.IsNullOrWhiteSpace(firstLine) || firstLine.Length > question.Length * 4 + 200 ? question : firstLine;
    }

    public const string CondenseRules =
        """
        Rewrite the user's follow-up question as one standalone question that can be understood without the conversation.
        Keep names, numbers and dates from the conversation that the follow-up refers to. Do not answer it.
        Reply with the rewritten question only, in the language of the follow-up.
        """;

    /// <summary>
    /// A chat-prompt template whose every text is a variable: system rules, earlier turns, then the final user message.
    /// </summary>
    private static (string Template, KernelArguments Arguments) ChatTemplate(string system, IReadOnlyList<(bool FromUser, string Text)> history, string final)
    {
        var arguments = new KernelArguments { ["system"] = system, ["final"] = final };
        var template = new StringBuilder("<message role=\"system\">{{$system}}</message>\n");
        for (var i = 0; i < history.Count; i++)
        {
            arguments[$"turn{i}"] = history[i].Text;
            template.Append("<message role=\"").Append(history[i].FromUser ? "user" : "assistant").Append("\">{{$turn").Append(i).Append("}}</message>\n");
        }
        template.Append("<message role=\"user\">{{$final}}</message>");
        return (template.ToString(), arguments);
    }

    private static PromptTemplateConfig Config(string name, string template, KernelArguments arguments) => new(template)
    {
        Name = name,
        // Every variable is untrusted text: encoded on render, never parsed as prompt markup.
        InputVariables = arguments.Names.Select(n => new InputVariable { Name = n, AllowDangerouslySetContent = false }).ToList(),
        AllowDangerouslySetContent = false,
    };
}
