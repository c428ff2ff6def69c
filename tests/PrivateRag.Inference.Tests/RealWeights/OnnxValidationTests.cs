using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateRag.Inference.Onnx;

namespace PrivateRag.Inference.Tests.RealWeights;

/// <summary>Start-up validation of an ONNX embedding model's companions: what is missing is named, before any request.</summary>
public sealed class OnnxValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privaterag-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Model(string relative = "model.onnx")
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x08, 0x07]); // an ONNX ModelProto starts with ir_version; never loaded by these tests
        return path;
    }

    private static async Task<OptionsValidationException> StartFails(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPrivateRagInference();
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task An_onnx_model_without_a_tokenizer_fails_start_up_naming_the_files_looked_for()
    {
        var model = Model();

        var error = await StartFails(new() { ["Models:Embedding:Path"] = model });

        Assert.Contains("Models:Embedding:Path", error.Message);
        Assert.Contains("no tokenizer was found", error.Message);
        Assert.Contains("vocab.txt", error.Message);
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("Models:Embedding:TokenizerPath", error.Message);
    }

    [Fact]
    public async Task A_configured_tokenizer_that_does_not_exist_is_named()
    {
        var missing = Path.Combine(_dir, "elsewhere", "vocab.txt");

        var error = await StartFails(new() { ["Models:Embedding:Path"] = Model(), ["Models:Embedding:TokenizerPath"] = missing });

        Assert.Contains("Models:Embedding:TokenizerPath", error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public async Task An_unsupported_pooling_is_refused_with_the_modes_that_work()
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");

        var error = await StartFails(new() { ["Models:Embedding:Path"] = Model(), ["Models:Embedding:Pooling"] = "max" });

        Assert.Contains("Models:Embedding:Pooling 'max'", error.Message);
        Assert.Contains("mean or cls", error.Message);
    }

    [Fact]
    public void Companions_are_found_by_model_name_first_then_beside_the_model_then_in_its_parent()
    {
        var model = Model(Path.Combine("onnx", "e5-small-v2.onnx"));
        File.WriteAllText(Path.Combine(_dir, "vocab.txt"), "x");
        Directory.CreateDirectory(Path.Combine(_dir, "1_Pooling"));
        File.WriteAllText(Path.Combine(_dir, "1_Pooling", "config.json"), """{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}""");
        File.WriteAllText(Path.Combine(_dir, "sentence_bert_config.json"), """{"max_seq_length": 256, "do_lower_case": false}""");

        var parent = OnnxModelFiles.Resolve(new EmbeddingModelOptions { Path = model });
        File.WriteAllText(Path.Combine(_dir, "onnx", "e5-small-v2.vocab.txt"), "x");
        var named = OnnxModelFiles.Resolve(new EmbeddingModelOptions { Path = model });

        Assert.Equal(Path.Combine(_dir, "vocab.txt"), parent.TokenizerPath);
        Assert.Equal(OnnxPooling.Cls, parent.Pooling);
        Assert.Equal(256, parent.MaxTokens);
        Assert.Equal(Path.Combine(_dir, "onnx", "e5-small-v2.vocab.txt"), named.TokenizerPath);
    }

    [Fact]
    public void Batches_are_sorted_by_length_and_padded_within_the_token_budget()
    {
        int[][] tokenized = [new int[10], new int[300], new int[12], new int[290], new int[11], new int[512]];

        var batches = OnnxEmbeddingGenerator.Batches(tokenized, 600).ToList();

        Assert.Equal([[5], [1, 3], [2, 4, 0]], batches);
        Assert.All(batches, b => Assert.True(b.Length * b.Max(i => tokenized[i].Length) <= Math.Max(600, 512)));
    }
}
