using Microsoft.Extensions.AI;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Core;

/// <summary>
/// The optional model capabilities, injected as one service: each is null when no such model is configured, and the
/// code that uses it degrades (lexical retrieval without an embedder, extractive answers without a chat model, fused
/// order without a reranker). Hosts build it from the registered models (PrivateRag.Hosting's model bridges); tests
/// construct it with stand-ins.
/// </summary>
public sealed class ModelCapabilities(
    IChatClient? chat = null,
    IEmbeddingGenerator<string, Embedding<float>>? embedder = null,
    IPassageReranker? reranker = null)
{
    /// <summary>No models: what a fresh clone runs with.</summary>
    public static ModelCapabilities None { get; } = new();

    public IChatClient? Chat { get; } = chat;

    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; } = embedder;

    public IPassageReranker? Reranker { get; } = reranker;
}
