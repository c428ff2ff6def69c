using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void Nothing_is_registered_when_no_model_is_configured()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>());

        Assert.Null(services.GetService<IChatClient>());
        Assert.Null(services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(services.GetService<ITokenizer>());
        var status = services.GetRequiredService<InferenceStatus>();
        Assert.All(status.All, capability => Assert.False(capability.IsConfigured));
        Assert.All(status.All, capability => Assert.Null(capability.Source));
    }

    [Fact]
    public void Endpoints_register_remote_clients_without_calling_them()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Chat:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Chat:ModelName"] = "qwen3-8b",
            ["Models:Embedding:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Embedding:ModelName"] = "bge-m3",
            ["Models:Embedding:ApiKey"] = "secret",
        });

        Assert.NotNull(services.GetService<IChatClient>());
        Assert.NotNull(services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(services.GetService<ITokenizer>());
        var status = services.GetRequiredService<InferenceStatus>();
        Assert.Equal(ModelSource.Remote, status.Chat.Source);
        Assert.Equal("qwen3-8b", status.Chat.ModelName);
        Assert.Equal("bge-m3", status.Embedding.ModelName);
        Assert.False(status.Reranker.IsConfigured);
    }

    [SharedDataFact]
    public void A_local_model_is_registered_but_loaded_only_on_first_use()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?> { ["Models:Chat:Path"] = SharedData.TinyModel });

        Assert.NotNull(services.GetService<IChatClient>());
        Assert.NotNull(services.GetService<ITokenizer>());
        Assert.Null(services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        var status = services.GetRequiredService<InferenceStatus>().Chat;
        Assert.Equal(ModelSource.Local, status.Source);
        Assert.Equal("llama-2-tiny-random.gguf", status.ModelName);
        Assert.Equal(4096u, status.ContextSize);
        Assert.False(status.IsLoaded);
    }
}
