using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using static PrivateRag.Inference.InferenceServiceCollectionExtensions;

namespace PrivateRag.Inference;

/// <summary>Models behind an OpenAI-compatible server (<c>Models:Chat:Endpoint</c>, <c>Models:Embedding:Endpoint</c>).</summary>
internal static class RemoteModelRegistration
{
    public static IServiceCollection AddRemoteChat(this IServiceCollection services) =>
        services.AddSingleton<IChatClient>(sp =>
        {
            var chat = Models(sp).Chat;
            sp.GetRequiredService<InferenceStatus>().Chat.MarkLoaded();
            return new RemoteChatClient(OpenAIClientFor(chat, sp).GetChatClient(chat.ModelName).AsIChatClient(), chat);
        });

    public static IServiceCollection AddRemoteEmbedding(this IServiceCollection services) =>
        // The wrapper owns (and disposes) the remote generator: nothing else holds it.
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var embedding = Models(sp).Embedding;
            var inner = OpenAIClientFor(embedding, sp).GetEmbeddingClient(embedding.ModelName).AsIEmbeddingGenerator();
            return new PurposeEmbeddingGenerator(inner, embedding, sp.GetRequiredService<InferenceStatus>().Embedding);
        });

    private static OpenAIClient OpenAIClientFor(ModelOptions model, IServiceProvider services)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(model.Endpoint!) };
        // A host that configures the named client (proxies, certificates) gets it; without IHttpClientFactory the SDK's own transport is used.
        if (services.GetService<IHttpClientFactory>() is { } httpClients)
            options.Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(httpClients.CreateClient(RemoteHttpClientName));

        // OpenAI-compatible servers without authentication still need a non-empty key on the wire.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(model.ApiKey) ? "unused" : model.ApiKey), options);
    }
}
