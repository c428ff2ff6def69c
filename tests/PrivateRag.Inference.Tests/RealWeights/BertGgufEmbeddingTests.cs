using PrivateRag.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Gguf;
using PrivateRag.Inference.Tests.Support;
using Xunit.Abstractions;

namespace PrivateRag.Inference.Tests.RealWeights;

/// <summary>
/// The LLamaSharp path on real weights: the packaged all-MiniLM-L6-v2 (mean) and snowflake-arctic-embed-xs (CLS)
/// rewritten as BERT GGUFs by <see cref="BertGgufWriter"/>, embedded by the product's <c>LocalEmbeddingGenerator</c>
/// (llama.cpp) and compared with ONNX Runtime on the same texts.
/// </summary>
public sealed class BertGgufEmbeddingTests(OnnxModelsFixture onnx, ITestOutputHelper output) : IClassFixture<OnnxModelsFixture>
{
    /// <summary>llama.cpp computes GELU with a float16 table and sums in another order: close, not bit-equal.</summary>
    private const double Agreement = 0.99;

    public static TheoryData<string> Models => new() { nameof(PackagedModel.MiniLM), nameof(PackagedModel.ArcticXs) };

    private static PackagedModel Model(string name) => name == nameof(PackagedModel.MiniLM) ? PackagedModel.MiniLM : PackagedModel.ArcticXs;

    private static readonly Lock WriteLock = new();

    /// <summary>The GGUF beside the extracted ONNX file (same cache folder, so same package version), written once.</summary>
    internal static string GgufOf(PackagedModel model)
    {
        var path = Path.ChangeExtension(model.ModelPath, ".bert-f32.gguf");
        lock (WriteLock)
        {
            if (!File.Exists(path))
                BertGgufWriter.Write(model.ModelPath, model.VocabularyPath, new BertShape(Heads: 12, Pooling: model == PackagedModel.MiniLM ? 1u : 2u), path);
        }

        return path;
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task LLamaSharp_embeddings_of_the_gguf_agree_with_onnx_runtime(string name)
    {
        var model = Model(name);
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            // Context and batch larger than BERT's 512 positions: long inputs must still be cut at 512 (with [SEP] last).
            ["Models:Embedding:Path"] = GgufOf(model),
            ["Models:Embedding:ContextSize"] = "4096",
            ["Models:Embedding:BatchSize"] = "2048",
            ["Models:Embedding:Threads"] = "2",
        });
        var texts = OnnxEmbeddingTests.Cases.Select(c => c.Text).ToArray();

        var llama = await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(texts);
        var reference = await onnx.Embeddings(model).GenerateAsync(texts);

        var cosines = texts.Select((_, i) => Cosine(llama[i].Vector.Span, reference[i].Vector.Span)).ToArray();
        for (var i = 0; i < texts.Length; i++)
            output.WriteLine($"{cosines[i]:F6}  {texts[i][..Math.Min(40, texts[i].Length)].ReplaceLineEndings(" ")}");
        output.WriteLine($"{name}: LLamaSharp GGUF vs ONNX Runtime, min cosine {cosines.Min():F6} over {texts.Length} texts");
        Assert.Equal("llamasharp", services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
        Assert.All(llama, e => Assert.Equal(384, e.Vector.Length));
        Assert.All(cosines, c => Assert.True(c >= Agreement, $"cosine {c:F6} < {Agreement}"));
    }

    [PackagedModelFact]
    public void The_written_gguf_describes_a_bert_encoder_with_its_vocabulary()
    {
        var document = GgufDocument.Read(GgufOf(PackagedModel.MiniLM));
        var info = GgufModelInfo.Read(GgufOf(PackagedModel.MiniLM));

        Assert.Equal("bert", document.Get("general.architecture"));
        Assert.Equal("bert", document.Get("tokenizer.ggml.model"));
        Assert.Equal(30522, ((GgufArray)document.Get("tokenizer.ggml.tokens")!).Values.Count);
        Assert.Equal(6 * 16 + 5, document.Tensors.Count);
        Assert.Equal(384L, info.EmbeddingLength);
        Assert.Equal(512L, info.ContextLength);
        Assert.Equal(6L, info.BlockCount);
        Assert.Equal("mean", info.PoolingType);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
