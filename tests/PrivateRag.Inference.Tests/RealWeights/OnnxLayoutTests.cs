using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Tests.Support;

namespace PrivateRag.Inference.Tests.RealWeights;

/// <summary>
/// What the ONNX provider feeds a model and how it reads it, on tiny hand-written graphs whose outputs are known
/// exactly: token id i embeds as (i, 1, -i, 0.5). No package needed.
/// </summary>
public sealed class OnnxLayoutTests : IDisposable
{
    private const float Tolerance = 1e-5f;

    private readonly string _dir = Directory.CreateTempSubdirectory("privaterag-tiny-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ServiceProvider Build(TinyOnnxLayout layout, string? pooling = null)
    {
        var model = Path.Combine(_dir, $"{layout}.onnx");
        TinyOnnxModel.Write(model, layout);
        File.WriteAllLines(Path.Combine(_dir, "vocab.txt"), TinyOnnxModel.Vocabulary);
        return TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Embedding:Path"] = model,
            ["Models:Embedding:Normalize"] = "false", // the raw pooled values, to compare with hand-computed ones
            ["Models:Embedding:Pooling"] = pooling,
        });
    }

    private static float[] Expected(params int[] ids) => [(float)ids.Average(), 1, -(float)ids.Average(), 0.5f];

    private static void AssertVector(float[] expected, Embedding<float> actual) =>
        Assert.Equal(expected, actual.Vector.ToArray(), (a, b) => Math.Abs(a - b) <= Tolerance);

    [Theory]
    [InlineData(TinyOnnxLayout.TokenEmbeddingsWithoutTokenTypes)]
    [InlineData(TinyOnnxLayout.LastHiddenStateWithTokenTypes)]
    public async Task Mean_pooling_averages_the_real_tokens_of_each_input_and_ignores_padding(TinyOnnxLayout layout)
    {
        using var services = Build(layout);

        // [CLS] hello world again [SEP] = 2 5 6 7 3; [CLS] hello [SEP] = 2 5 3, padded to 5 in the same run.
        var result = await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["hello world again", "hello", ""]);

        AssertVector(Expected(2, 5, 6, 7, 3), result[0]);
        AssertVector(Expected(2, 5, 3), result[1]);
        AssertVector(Expected(2, 3), result[2]);
        Assert.Equal(5 + 3 + 2, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Token_type_ids_are_fed_as_zeros_when_the_model_takes_them()
    {
        using var services = Build(TinyOnnxLayout.LastHiddenStateWithTokenTypes);

        var result = Assert.Single(await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["world"]));

        AssertVector(Expected(2, 6, 3), result); // a token type of 1 would have added 100 to every component
    }

    [Fact]
    public async Task Cls_pooling_takes_the_first_token()
    {
        using var services = Build(TinyOnnxLayout.TokenEmbeddingsWithoutTokenTypes, pooling: "cls");

        var result = await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["hello world", "again"]);

        Assert.All(result, e => AssertVector(Expected(2), e));
    }

    [Fact]
    public async Task A_sentence_embedding_output_is_used_as_the_model_pooled_it()
    {
        using var services = Build(TinyOnnxLayout.PooledSentenceEmbedding, pooling: "cls");

        var result = Assert.Single(await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["hello world"]));

        AssertVector(Expected(2, 5, 6, 3), result); // the graph's mean, not the configured CLS
        Assert.Equal(TinyOnnxModel.Width, services.GetRequiredService<InferenceStatus>().Embedding.EmbeddingDimensions);
    }
}
