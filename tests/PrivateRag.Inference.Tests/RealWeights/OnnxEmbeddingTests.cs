using PrivateRag.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Onnx;
using Xunit.Abstractions;

namespace PrivateRag.Inference.Tests.RealWeights;

/// <summary>One container per packaged model with the ONNX provider, shared by the tests (loading a session takes a second).</summary>
public sealed class OnnxModelsFixture : IDisposable
{
    private readonly Dictionary<string, ServiceProvider> _services = [];
    private readonly Lock _lock = new();

    public IEmbeddingGenerator<string, Embedding<float>> Embeddings(PackagedModel model) => Services(model).GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    public ServiceProvider Services(PackagedModel model)
    {
        lock (_lock)
        {
            if (!_services.TryGetValue(model.AssemblyName, out var services))
            {
                services = TinyModelFixture.Build(new Dictionary<string, string?>
                {
                    ["Models:Embedding:Path"] = model.ModelPath,
                    ["Models:Embedding:QueryPrefix"] = "query: ",
                    ["Models:Embedding:DocumentPrefix"] = "passage: ",
                    ["Models:Embedding:Threads"] = "2",
                });
                _services[model.AssemblyName] = services;
            }

            return services;
        }
    }

    public void Dispose()
    {
        foreach (var services in _services.Values) services.Dispose();
    }
}

public sealed class OnnxEmbeddingTests(OnnxModelsFixture models, ITestOutputHelper output) : IClassFixture<OnnxModelsFixture>
{
    /// <summary>Tolerance for one model's vectors computed in different batches or calls (padding and GEMM blocking change float sums).</summary>
    private const float SameModelTolerance = 1e-4f;

    /// <summary>Agreement with the package's encoder: same weights and runtime, tokenization and pooling written independently.</summary>
    private const double ReferenceAgreement = 0.999;

    public static TheoryData<string> Models => new() { nameof(PackagedModel.MiniLM), nameof(PackagedModel.ArcticXs) };

    private static PackagedModel Model(string name) => name == nameof(PackagedModel.MiniLM) ? PackagedModel.MiniLM : PackagedModel.ArcticXs;

    private static EmbeddingGenerationOptions For(string purpose) => new() { AdditionalProperties = new() { [EmbeddingPurpose.Key] = purpose } };

    /// <summary>
    /// Varied inputs (prose, questions, code, symbols, URLs, accents, CJK, tabs, near-empty, and two past 512 tokens),
    /// each with the text the package's encoder is given. The package's simplified tokenizer splits only on spaces,
    /// neither strips accents nor splits CJK characters nor treats tabs as spaces, where BERT's (and ours) does; for
    /// those inputs it gets the text as BERT normalises it, so both sides see the same word pieces and the
    /// comparison checks our normalisation as well as the model run.
    /// </summary>
    public static readonly (string Text, string? ForPackage)[] Cases =
    [
        ("The quick brown fox jumps over the lazy dog.", null),
        ("How do I reset my password?", null),
        ("Photosynthesis converts light energy into chemical energy stored in glucose.", null),
        ("BRCA1 mutations increase the lifetime risk of breast and ovarian cancer.", null),
        ("Die Katze sitzt auf der Matte und schläft.", "Die Katze sitzt auf der Matte und schlaft."),
        ("Café au lait, naïve résumé, jalapeño.", "Cafe au lait, naive resume, jalapeno."),
        ("東京是日本的首都。", "東 京 是 日 本 的 首 都 。"),
        ("Emoji 🙂 and symbols © ® ™ € ½ $5 + 3 = 8", null),
        ("   ", null),
        ("", null),
        (".", null),
        ("SELECT id, name FROM users WHERE age > 30 ORDER BY name;", null),
        ("int main() { return 0; }", null),
        ("3.14159 2.71828 1.41421 and 42", null),
        ("https://example.com/path?query=1&b=2", null),
        ("Tab\tseparated\tvalues\nand new lines", "Tab separated values and new lines"),
        ("ALL CAPS SHOUTING TEXT ABOUT INVOICES", null),
        ("Hyphen-ated well-known state-of-the-art methods", null),
        (string.Join(' ', Enumerable.Range(0, 700).Select(i => $"word{i % 37} of sentence {i}.")), null),
        (string.Concat(Enumerable.Repeat("Retrieval-augmented generation grounds answers in retrieved passages and cites them. ", 60)), null),
    ];

    private static string[] Texts => Cases.Select(c => c.Text).ToArray();

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

    private static void AssertClose(ReadOnlyMemory<float> expected, ReadOnlyMemory<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected.Span[i] - actual.Span[i]));
        Assert.True(worst <= tolerance, $"largest difference {worst:E2} > {tolerance:E0}");
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task Embeddings_agree_with_the_packages_own_encoder(string name)
    {
        var model = Model(name);
        var reference = model.ReferenceEncode(Cases.Select(c => c.ForPackage ?? c.Text).ToArray());

        var ours = await models.Embeddings(model).GenerateAsync(Texts);

        var cosines = Cases.Select((_, i) => Cosine(ours[i].Vector.Span, reference[i])).ToArray();
        for (var i = 0; i < Cases.Length; i++)
            output.WriteLine($"{cosines[i]:F6}  {Cases[i].Text[..Math.Min(40, Cases[i].Text.Length)].ReplaceLineEndings(" ")}");
        output.WriteLine($"{name}: min cosine {cosines.Min():F6} over {Cases.Length} texts");
        Assert.All(cosines, c => Assert.True(c >= ReferenceAgreement, $"cosine {c:F6} < {ReferenceAgreement}"));
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task Paraphrases_rank_above_unrelated_texts(string name)
    {
        (string Text, string Paraphrase, string Unrelated)[] triples =
        [
            ("How do I reset my password?", "I forgot my login password and need to change it.", "The mitochondria is the powerhouse of the cell."),
            ("The invoice is due at the end of the month.", "Payment for the bill must be made by month's end.", "Penguins live in the southern hemisphere."),
            ("A cat is sleeping on the sofa.", "A kitten naps on the couch.", "Interest rates rose by half a percentage point."),
            ("Vaccines train the immune system to recognise a virus.", "Immunisation teaches the body's defences to spot a pathogen.", "The train to Berlin leaves at noon."),
        ];
        var generator = models.Embeddings(Model(name));

        foreach (var (text, paraphrase, unrelated) in triples)
        {
            var e = await generator.GenerateAsync([text, paraphrase, unrelated]);
            var near = Cosine(e[0].Vector.Span, e[1].Vector.Span);
            var far = Cosine(e[0].Vector.Span, e[2].Vector.Span);
            output.WriteLine($"{near:F3} > {far:F3}  {text}");
            Assert.True(near > far, $"'{text}': paraphrase {near:F3} is not above unrelated {far:F3}");
        }
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task A_batch_equals_one_at_a_time_within_tolerance(string name)
    {
        var generator = models.Embeddings(Model(name));

        var batch = await generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, batch.Count);
        for (var i = 0; i < Texts.Length; i++)
            AssertClose(Assert.Single(await generator.GenerateAsync([Texts[i]])).Vector, batch[i].Vector, SameModelTolerance);
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task Vectors_have_384_dimensions_and_unit_length_and_long_inputs_are_cut_at_512_tokens(string name)
    {
        var services = models.Services(Model(name));
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var result = await generator.GenerateAsync([Texts[^1], "short"]);

        Assert.All(result, e => Assert.Equal(384, e.Vector.Length));
        Assert.All(result, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)), 4));
        Assert.Equal(512 + 3, result.Usage?.InputTokenCount); // the long text truncated to 512, "short" is [CLS] short [SEP]
        var status = services.GetRequiredService<InferenceStatus>().Embedding;
        Assert.Equal(384, status.EmbeddingDimensions);
        Assert.Equal(ModelSource.Local, status.Source);
        Assert.Equal("onnxruntime", generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task Query_and_document_prefixes_apply_through_the_purpose_generator(string name)
    {
        var generator = models.Embeddings(Model(name));
        const string text = "What causes tides?";

        var query = Assert.Single(await generator.GenerateAsync([text], For(EmbeddingPurpose.Query)));
        var document = Assert.Single(await generator.GenerateAsync([text], For(EmbeddingPurpose.Document)));
        var queryByHand = Assert.Single(await generator.GenerateAsync(["query: " + text]));
        var documentByHand = Assert.Single(await generator.GenerateAsync(["passage: " + text]));
        var plain = Assert.Single(await generator.GenerateAsync([text]));

        AssertClose(queryByHand.Vector, query.Vector, SameModelTolerance);
        AssertClose(documentByHand.Vector, document.Vector, SameModelTolerance);
        Assert.True(Cosine(query.Vector.Span, plain.Vector.Span) < 0.999, "the query prefix changed nothing");
        Assert.True(Cosine(query.Vector.Span, document.Vector.Span) < 0.999, "query and document prefixes gave the same vector");
    }

    [PackagedModelTheory]
    [MemberData(nameof(Models))]
    public async Task Concurrent_callers_get_the_same_vectors_as_one_caller(string name)
    {
        var generator = models.Embeddings(Model(name));
        var expected = await generator.GenerateAsync(Texts[..12]);

        var calls = Enumerable.Range(0, 6).Select(_ => Task.Run(() => generator.GenerateAsync(Texts[..12])));
        var results = await Task.WhenAll(calls);

        foreach (var result in results)
        {
            for (var i = 0; i < expected.Count; i++) AssertClose(expected[i].Vector, result[i].Vector, SameModelTolerance);
        }
    }

    [PackagedModelFact]
    public async Task An_onnx_model_is_registered_instead_of_llamasharp_and_loads_on_first_use()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?> { ["Models:Embedding:Path"] = PackagedModel.MiniLM.ModelPath });
        var status = services.GetRequiredService<InferenceStatus>().Embedding;

        Assert.Null(services.GetService<Local.LocalEmbeddingGenerator>());
        Assert.Null(services.GetKeyedService<Local.LocalModel>(InferenceServiceCollectionExtensions.EmbeddingModelKey));
        Assert.False(status.IsLoaded);
        await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["load"]);
        Assert.True(status.IsLoaded);
        Assert.Equal("model.onnx", status.ModelName);
    }

    [PackagedModelFact]
    public void Pooling_comes_from_1_Pooling_config_json_beside_the_model_else_mean()
    {
        var arctic = models.Services(PackagedModel.ArcticXs).GetRequiredService<OnnxEmbeddingGenerator>().Files;
        var miniLm = models.Services(PackagedModel.MiniLM).GetRequiredService<OnnxEmbeddingGenerator>().Files;

        Assert.Equal(OnnxPooling.Cls, arctic.Pooling);
        Assert.EndsWith(Path.Combine("1_Pooling", "config.json"), arctic.PoolingSource);
        Assert.Equal(PackagedModel.ArcticXs.VocabularyPath, arctic.TokenizerPath); // found in the parent of onnx/
        Assert.Equal(OnnxPooling.Mean, miniLm.Pooling);
        Assert.Equal(512, miniLm.MaxTokens);
    }

    [PackagedModelFact]
    public async Task Configured_pooling_overrides_the_file_and_changes_the_vector()
    {
        using var services = TinyModelFixture.Build(new Dictionary<string, string?>
        {
            ["Models:Embedding:Path"] = PackagedModel.ArcticXs.ModelPath,
            ["Models:Embedding:Pooling"] = "mean",
        });
        var mean = Assert.Single(await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync([Texts[0]]));
        var cls = Assert.Single(await models.Embeddings(PackagedModel.ArcticXs).GenerateAsync([Texts[0]]));

        Assert.Equal(OnnxPooling.Mean, services.GetRequiredService<OnnxEmbeddingGenerator>().Files.Pooling);
        Assert.True(Cosine(mean.Vector.Span, cls.Vector.Span) < 0.99);
    }

    [PackagedModelFact]
    public async Task The_token_counter_is_the_embedders_word_piece_tokenizer_when_no_chat_model_is_local()
    {
        var services = models.Services(PackagedModel.MiniLM);
        var tokenizer = services.GetRequiredService<ITokenizer>();
        const string text = "Photosynthesis stores energy in glucose.";

        var embedded = await services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync([text]);

        Assert.Equal(0, tokenizer.CountTokens(""));
        Assert.Equal(embedded.Usage!.InputTokenCount - 2, tokenizer.CountTokens(text)); // the embedder adds [CLS] and [SEP]
    }
}
