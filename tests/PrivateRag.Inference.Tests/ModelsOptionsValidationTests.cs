using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

public sealed class ModelsOptionsValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privaterag-inference-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ValidateOptionsResult Validate(ModelsOptions options) => new ModelsOptionsValidator().Validate(null, options);

    [Fact]
    public void Unconfigured_models_are_valid()
    {
        Assert.True(Validate(new ModelsOptions()).Succeeded);
    }

    [Fact]
    public void A_missing_model_file_names_the_setting_and_the_path()
    {
        var path = Path.Combine(_dir, "nope.gguf");
        var result = Validate(new ModelsOptions { Chat = { Path = path } });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Models:Chat:Path", failure);
        Assert.Contains(path, failure);
        Assert.Contains("does not exist", failure);
    }

    [Fact]
    public void A_file_that_is_not_gguf_is_rejected_with_the_reason()
    {
        var path = Path.Combine(_dir, "model.gguf");
        File.WriteAllText(path, "{\"not\": \"a model\"}");
        var result = Validate(new ModelsOptions { Embedding = { Path = path } });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Models:Embedding:Path", failure);
        Assert.Contains("is not a GGUF model file", failure);
        Assert.Contains("GGUF", failure);
    }

    [Fact]
    public void An_empty_file_is_not_gguf()
    {
        var path = Path.Combine(_dir, "empty.gguf");
        File.WriteAllBytes(path, []);
        Assert.Contains("is not a GGUF model file", Assert.Single(Validate(new ModelsOptions { Reranker = { Path = path } }).Failures!));
    }

    [Fact]
    public void Path_and_endpoint_together_are_ambiguous()
    {
        var result = Validate(new ModelsOptions { Chat = { Path = "x.gguf", Endpoint = "http://localhost:8080/v1", ModelName = "m" } });
        Assert.Contains("either Path", Assert.Single(result.Failures!));
    }

    [Fact]
    public void An_endpoint_needs_an_absolute_http_address_and_a_model_name()
    {
        var result = Validate(new ModelsOptions { Embedding = { Endpoint = "gpu-1:8080" } });
        Assert.Contains(result.Failures!, f => f.Contains("Models:Embedding:Endpoint", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Models:Embedding:ModelName is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_annotations_of_nested_sections_are_checked()
    {
        var result = Validate(new ModelsOptions { Chat = { Endpoint = "http://localhost/v1", ModelName = "m", ContextSize = 1, MaxOutputTokens = 0 } });
        Assert.Contains(result.Failures!, f => f.Contains("ContextSize", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("MaxOutputTokens", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reranker_must_be_a_local_model()
    {
        var result = Validate(new ModelsOptions { Reranker = { Endpoint = "http://gpu-1:8080/v1", ModelName = "bge-reranker" } });
        Assert.Contains(result.Failures!, f => f.Contains("Models:Reranker:Endpoint", StringComparison.Ordinal) && f.Contains("no rerank API", StringComparison.Ordinal));
    }

    [SharedDataFact]
    public void A_local_reranker_is_registered_only_when_configured()
    {
        using var without = TinyModelFixture.Build(new Dictionary<string, string?> { ["Models:Embedding:Path"] = SharedData.TinyModel });
        Assert.Null(without.GetService<PrivateRag.Inference.Local.LocalReranker>());

        // Resolving it loads nothing: the model is read on the first score (no reranker GGUF can be obtained here).
        using var with = TinyModelFixture.Build(new Dictionary<string, string?> { ["Models:Reranker:Path"] = SharedData.TinyModel });
        Assert.NotNull(with.GetService<PrivateRag.Inference.Local.LocalReranker>());
        Assert.False(with.GetRequiredService<InferenceStatus>().Reranker.IsLoaded);
    }

    [SharedDataFact]
    public void The_tiny_gguf_model_is_valid()
    {
        Assert.True(Validate(new ModelsOptions { Chat = { Path = SharedData.TinyModel }, Embedding = { Path = SharedData.TinyModel } }).Succeeded);
    }

    [Fact]
    public async Task A_host_with_a_missing_model_fails_to_start_with_the_message()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Models:Chat:Path"] = Path.Combine(_dir, "missing.gguf") });
        builder.AddPrivateRagInference();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Models:Chat:Path", error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}
