using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

/// <summary>One container with chat and embeddings on the tiny random GGUF, shared by the tests that use it.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly ServiceProvider? _services;

    public TinyModelFixture()
    {
        if (!SharedData.Available) return;
        _services = Build(new Dictionary<string, string?>
        {
            ["Models:Chat:Path"] = SharedData.TinyModel,
            ["Models:Chat:ContextSize"] = "512",
            ["Models:Chat:MaxOutputTokens"] = "16",
            ["Inference:Chat:MaxConcurrent"] = "8",
            ["Models:Embedding:Path"] = SharedData.TinyModel,
            ["Models:Embedding:ContextSize"] = "256",
            ["Models:Embedding:BatchSize"] = "128",
            ["Models:Embedding:QueryPrefix"] = "search_query: ",
            ["Models:Embedding:DocumentPrefix"] = "search_document: ",
        });
    }

    public IServiceProvider Services => _services ?? throw new InvalidOperationException(SharedData.MissingReason);

    public IChatClient Chat => Services.GetRequiredService<IChatClient>();

    public IEmbeddingGenerator<string, Embedding<float>> Embeddings => Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    public static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddPrivateRagInference(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public void Dispose() => _services?.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "Tiny model";
}
