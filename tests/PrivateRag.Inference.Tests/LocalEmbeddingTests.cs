using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class LocalEmbeddingTests(TinyModelFixture model)
{
    /// <summary>
    /// How far the same text's embedding may differ between a batch and a single call: llama.cpp sums in another order
    /// for another batch shape (last-bit differences, ~1e-7 of a unit vector's components); another text differs in
    /// the first digits.
    /// </summary>
    private const float BatchTolerance = 1e-3f;

    /// <summary>The same text through two paths (prefix added by purpose, or by hand), each its own single call.</summary>
    private const float SameTextTolerance = 1e-4f;

    private static EmbeddingGenerationOptions For(string purpose) => new() { AdditionalProperties = new() { [EmbeddingPurpose.Key] = purpose } };

    private static double Norm(Embedding<float> e) => Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x));

    [SharedDataFact]
    public async Task Embeddings_have_the_model_dimension_and_unit_length()
    {
        var embedding = Assert.Single(await model.Embeddings.GenerateAsync(["The quick brown fox."]));

        Assert.Equal(8, embedding.Vector.Length);
        Assert.Equal(1.0, Norm(embedding), 4);
        Assert.Equal(8, model.Services.GetRequiredService<InferenceStatus>().Embedding.EmbeddingDimensions);
    }

    [SharedDataFact]
    public async Task A_batch_gives_one_embedding_per_input_in_order_equal_to_single_calls()
    {
        string[] inputs = ["alpha", "a somewhat longer second input about retrieval", "gamma delta", "ε ünïcödé €", ""];

        var batch = await model.Embeddings.GenerateAsync(inputs);

        Assert.Equal(inputs.Length, batch.Count);
        Assert.True(batch.Usage?.InputTokenCount > inputs.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            var single = Assert.Single(await model.Embeddings.GenerateAsync([inputs[i]]));
            Assert.Equal(single.Vector.ToArray(), batch[i].Vector.ToArray(), (a, b) => Math.Abs(a - b) < BatchTolerance);
        }

        Assert.NotEqual(batch[0].Vector.ToArray(), batch[2].Vector.ToArray());
    }

    [SharedDataFact]
    public async Task Query_and_document_purposes_use_different_prefixes()
    {
        const string text = "How do I reset my password?";

        var query = Assert.Single(await model.Embeddings.GenerateAsync([text], For(EmbeddingPurpose.Query)));
        var document = Assert.Single(await model.Embeddings.GenerateAsync([text], For(EmbeddingPurpose.Document)));
        var plain = Assert.Single(await model.Embeddings.GenerateAsync([text]));
        var prefixedByHand = Assert.Single(await model.Embeddings.GenerateAsync(["search_query: " + text]));

        Assert.NotEqual(query.Vector.ToArray(), document.Vector.ToArray());
        Assert.NotEqual(query.Vector.ToArray(), plain.Vector.ToArray());
        Assert.Equal(prefixedByHand.Vector.ToArray(), query.Vector.ToArray(), (a, b) => Math.Abs(a - b) < SameTextTolerance);
    }

    [SharedDataFact]
    public async Task Inputs_longer_than_the_context_are_truncated_not_rejected()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 3000).Select(i => $"word{i}"));

        var result = await model.Embeddings.GenerateAsync([longText, "short"]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(8, e.Vector.Length));
        Assert.True(result.Usage?.InputTokenCount <= 128 + 10, $"{result.Usage?.InputTokenCount} tokens");
    }

    [SharedDataFact]
    public async Task Concurrent_calls_from_several_threads_all_succeed()
    {
        var calls = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            model.Embeddings.GenerateAsync([$"thread {i} first", $"thread {i} second", $"thread {i} third"], For(EmbeddingPurpose.Document))));

        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(3, r.Count));
        Assert.All(results.SelectMany(r => r), e => Assert.Equal(1.0, Norm(e), 4));
    }

    [SharedDataFact]
    public async Task A_cancelled_call_throws()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            model.Embeddings.GenerateAsync(["x"], cancellationToken: new CancellationToken(canceled: true)));
    }

    [SharedDataFact]
    public async Task Vectors_are_left_as_the_model_made_them_when_normalisation_is_off()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Embedding:Path"] = SharedData.TinyModel,
            ["Models:Embedding:ContextSize"] = "128",
            ["Models:Embedding:Normalize"] = "false",
        });
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var raw = Assert.Single(await generator.GenerateAsync(["The quick brown fox."]));

        Assert.Equal(8, raw.Vector.Length);
        Assert.NotEqual(1.0, Norm(raw), 3);
    }
}
