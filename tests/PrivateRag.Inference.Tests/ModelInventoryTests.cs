using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Gguf;
using PrivateRag.Inference.Inventory;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

public sealed class ModelInventoryTests
{
    [SharedDataFact]
    public async Task A_local_chat_model_is_described_from_its_header_and_after_loading_from_llamasharp()
    {
        await using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Chat:Path"] = SharedData.TinyModel,
            ["Models:Chat:ContextSize"] = "256",
            ["Models:Chat:Threads"] = "2",
            ["Models:Chat:BatchSize"] = "128",
            ["Inference:Chat:MaxConcurrent"] = "3",
        });
        var inventory = services.GetRequiredService<ModelInventory>();

        var chat = inventory.Describe().Single(r => r.Capability == ModelCapability.Chat);

        Assert.True(chat.IsConfigured);
        Assert.Equal(ModelSource.Local, chat.Source);
        Assert.False(chat.IsLoaded);
        Assert.Null(chat.Loaded);
        Assert.Equal(SharedData.TinyModel, chat.Path);
        Assert.Equal(ModelManagementTests.TinyBytes, chat.FileBytes);
        Assert.Equal("llama", chat.Gguf?.Architecture);
        Assert.Equal(256u, chat.ContextSize);
        Assert.Equal(3, chat.Sequences);
        Assert.Equal(2, chat.Threads);
        Assert.Equal(128u, chat.BatchSize);
        // f16 KV cache: layers x KV heads x (key + value width) x 2 bytes, for 3 sequences of 256 tokens.
        var header = GgufModelInfo.Read(SharedData.TinyModel);
        var perToken = header.BlockCount!.Value * (header.KvHeadCount ?? header.HeadCount!.Value)
                       * 2 * (header.EmbeddingLength!.Value / header.HeadCount!.Value) * 2;
        Assert.Equal(perToken, header.KvCacheBytesPerToken);
        Assert.Equal(perToken * 256 * 3, chat.KvCacheBytes);
        Assert.Equal(chat.FileBytes + chat.KvCacheBytes, chat.MemoryBytes);

        await services.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 3 });
        var loaded = inventory.Describe().Single(r => r.Capability == ModelCapability.Chat);

        Assert.True(loaded.IsLoaded);
        Assert.NotNull(loaded.Loaded);
        Assert.Equal(513_048ul, loaded.Loaded.Parameters);
        Assert.InRange(loaded.Loaded.SizeBytes, 1ul, (ulong)ModelManagementTests.TinyBytes);
        Assert.Equal((long)loaded.Loaded.SizeBytes + loaded.KvCacheBytes, loaded.MemoryBytes);
        Assert.True(services.GetRequiredService<GenerationThroughput>().TotalTokens >= 1);
    }

    [SharedDataFact]
    public void An_embedding_model_reports_its_dimension_and_unconfigured_capabilities_say_so()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?> { ["Models:Embedding:Path"] = SharedData.TinyModel });

        var reports = services.GetRequiredService<ModelInventory>().Describe();

        Assert.Equal([ModelCapability.Chat, ModelCapability.Embedding, ModelCapability.Reranker], reports.Select(r => r.Capability));
        Assert.Equal(8, reports[1].EmbeddingDimensions);
        Assert.False(reports[0].IsConfigured);
        Assert.Null(reports[0].Source);
        Assert.False(reports[2].IsConfigured);
        Assert.False(reports[2].IsServed);
    }

    [Fact]
    public void A_remote_model_shows_its_endpoint_and_no_file_facts()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Chat:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Chat:ModelName"] = "qwen",
        });

        var chat = services.GetRequiredService<ModelInventory>().Describe()[0];

        Assert.Equal(ModelSource.Remote, chat.Source);
        Assert.Equal("http://127.0.0.1:9/v1", chat.Endpoint);
        Assert.Equal("qwen", chat.ModelName);
        Assert.Null(chat.Path);
        Assert.Null(chat.FileBytes);
        Assert.Null(chat.MemoryBytes);
    }

    [Fact]
    public void Configuration_keys_name_the_source_that_set_them_and_hide_api_keys()
    {
        var json = """{ "Models": { "Chat": { "Path": "/srv/a.gguf", "ContextSize": 2048, "ApiKey": "sk-secret" } }, "Inference": { "ApiKeys": ["k1"] } }""";
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Models:Chat:ContextSize"] = "4096" })
            .Build();

        var keys = ConfigurationKeys.Describe(configuration, ConfigurationKeys.ModelSections).ToDictionary(k => k.Key);

        Assert.Equal("/srv/a.gguf", keys["Models:Chat:Path"].Value);
        Assert.Equal("Models__Chat__Path", keys["Models:Chat:Path"].EnvironmentName);
        Assert.Equal("4096", keys["Models:Chat:ContextSize"].Value); // the later source wins, and is the one named
        Assert.Equal("Memory", keys["Models:Chat:ContextSize"].Source);
        Assert.Equal(ConfigurationKeys.Hidden, keys["Models:Chat:ApiKey"].Value);
        Assert.Equal(ConfigurationKeys.Hidden, keys["Inference:ApiKeys:0"].Value);
        Assert.DoesNotContain(keys.Values, k => k.Value is "sk-secret" or "k1");
        Assert.DoesNotContain("Models:Chat", keys.Keys); // sections are not listed, only settings
    }

    [Fact]
    public void Credentials_in_an_endpoint_address_are_not_shown()
    {
        Assert.Equal("http://(hidden)@gpu-1:8080/v1", ConfigurationKeys.RedactUserInfo("http://svc:s3cret@gpu-1:8080/v1"));
        Assert.Equal("http://gpu-1:8080/v1", ConfigurationKeys.RedactUserInfo("http://gpu-1:8080/v1"));
        Assert.Equal("/srv/a.gguf", ConfigurationKeys.RedactUserInfo("/srv/a.gguf"));
    }
}
