using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateRag.Inference.Scheduling;
using static PrivateRag.Inference.InferenceServiceCollectionExtensions;

namespace PrivateRag.Inference.Local;

internal static class LocalChatRegistration
{
    /// <summary>
    /// <c>Models:Chat:Path</c>: the GGUF in-process (loaded on first use), one model shared by every conversation
    /// through the continuous-batching scheduler, which the admin page also watches (<see cref="IChatSchedulerStatus"/>).
    /// </summary>
    public static IServiceCollection AddLocalChat(this IServiceCollection services)
    {
        services.AddKeyedSingleton(ChatModelKey, (sp, _) => new LocalModel(
            Models(sp).Chat, sp.GetRequiredService<InferenceStatus>().Chat, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new BatchingTokenGenerator(
            sp.GetRequiredKeyedService<LocalModel>(ChatModelKey),
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value.Chat,
            sp.GetRequiredService<ILogger<BatchingTokenGenerator>>(),
            sp.GetRequiredService<GenerationThroughput>()));
        services.AddSingleton<IChatSchedulerStatus>(sp => sp.GetRequiredService<BatchingTokenGenerator>());
        services.AddSingleton<IChatClient>(sp => new LocalChatClient(
            sp.GetRequiredKeyedService<LocalModel>(ChatModelKey),
            sp.GetRequiredService<BatchingTokenGenerator>(),
            Models(sp).Chat,
            sp.GetRequiredService<InferenceStatus>().Chat.ModelName,
            sp.GetRequiredService<ILogger<LocalChatClient>>()));
        return services;
    }
}
