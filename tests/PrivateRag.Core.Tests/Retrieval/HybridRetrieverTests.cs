using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Indexing.Embedded;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Core.Tests.Retrieval;

public sealed class HybridRetrieverTests : IDisposable
{
    private static readonly Guid Visible = Guid.Parse("b1b1b1b1-0000-4000-8000-000000000001");
    private static readonly Guid Hidden = Guid.Parse("b2b2b2b2-0000-4000-8000-000000000002");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "privaterag-retrieval-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    private static IndexedChunk Chunk(Guid document, int ordinal, string text, Guid? collection = null, int charStart = -1, int charEnd = -1) =>
        new(IndexedChunk.MakeId(document, ordinal), document, collection ?? Visible, "doc.pdf", ordinal, 1, 1, null,
            charStart >= 0 ? charStart : ordinal * 1000, charEnd >= 0 ? charEnd : ordinal * 1000 + text.Length, text);

    private IRetriever Build(IChunkIndex? index = null, IEmbeddingGenerator<string, Embedding<float>>? generator = null,
        Dictionary<string, string?>? settings = null, IPassageReranker? reranker = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection().AddLogging();
        if (index is null) services.AddEmbeddedChunkIndex(_ => Path.Combine(_folder, "chunks.db"));
        else services.AddSingleton(index);
        services.AddSingleton(new ModelCapabilities(embedder: generator, reranker: reranker));
        services.AddRetrieval(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider.GetRequiredService<IRetriever>();
    }

    private static async Task Seed(IServiceProvider provider, FakeEmbeddingGenerator? generator)
    {
        var index = provider.GetRequiredService<IChunkIndex>();
        string[] visibleTexts =
        [
            "Tidal power plants use the rise and fall of the sea to drive turbines.",
            "Solar farms need large areas of land and produce power during the day.",
            "The cafeteria menu changes every Monday.",
            "Geothermal plants tap heat from deep underground reservoirs.",
        ];
        var visibleDoc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(visibleDoc, visibleTexts.Select((t, i) => Chunk(visibleDoc, i, t) with
        {
            Vector = generator is null ? null : FakeEmbeddingGenerator.Embed(t),
        }).ToList());
        var hiddenDoc = Guid.NewGuid();
        const string secret = "Tidal power turbines sea tidal power: confidential acquisition plan.";
        await index.ReplaceDocumentAsync(hiddenDoc, [Chunk(hiddenDoc, 0, secret, Hidden) with
        {
            Vector = generator is null ? null : FakeEmbeddingGenerator.Embed(secret),
        }]);
    }

    [Fact]
    public async Task A_reranker_reorders_the_fused_results_and_sees_only_permitted_passages()
    {
        // Prefers passages about heat, whatever the lexical ranking said.
        var reranker = new KeywordReranker("heat");
        var retriever = Build(reranker: reranker);
        await Seed(_providers[^1], null);

        var results = await retriever.SearchAsync(new SearchRequest("power plants heat turbines", [Visible], Top: 3));

        Assert.StartsWith("Geothermal plants tap heat", results[0].Chunk.Text, StringComparison.Ordinal);
        Assert.All(results, r => Assert.NotNull(r.RerankScore));
        Assert.All(results, r => Assert.Equal(r.RerankScore, r.Score));
        Assert.Equal(results.OrderByDescending(r => r.Score).Select(r => r.Chunk.Id), results.Select(r => r.Chunk.Id));
        // The canary in the hidden collection matches the query best lexically; the reranker never saw it.
        Assert.NotEmpty(reranker.Seen);
        Assert.DoesNotContain(reranker.Seen, p => p.Contains("confidential", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_reranker_leaves_the_fused_order_and_zero_candidates_turn_it_off()
    {
        var failing = new KeywordReranker("heat") { Fail = true };
        var retriever = Build(reranker: failing);
        await Seed(_providers[^1], null);
        var plain = Build(index: _providers[^1].GetRequiredService<IChunkIndex>());

        var reranked = await retriever.SearchAsync(new SearchRequest("tidal power turbines", [Visible]));
        var fused = await plain.SearchAsync(new SearchRequest("tidal power turbines", [Visible]));
        Assert.Equal(fused.Select(r => r.Chunk.Id), reranked.Select(r => r.Chunk.Id));
        Assert.All(reranked, r => Assert.Null(r.RerankScore));

        var off = new KeywordReranker("heat");
        var disabled = Build(index: _providers[0].GetRequiredService<IChunkIndex>(),
            settings: new() { ["Retrieval:RerankCandidates"] = "0" }, reranker: off);
        var results = await disabled.SearchAsync(new SearchRequest("tidal power turbines", [Visible]));
        Assert.NotEmpty(results);
        Assert.Empty(off.Seen);
    }

    [Fact]
    public async Task Without_an_embedding_generator_search_is_lexical_with_normalised_bm25_scores()
    {
        var retriever = Build();
        await Seed(_providers[^1], null);

        var results = await retriever.SearchAsync(new SearchRequest("tidal power turbines", [Visible]));

        Assert.False(retriever.IsHybrid);
        Assert.StartsWith("Tidal power", results[0].Chunk.Text, StringComparison.Ordinal);
        Assert.Equal(1.0, results[0].Score, 6);
        Assert.All(results, r => Assert.InRange(r.Score, 0.0, 1.0));
        Assert.All(results, r => Assert.Null(r.DenseScore));
        Assert.All(results, r => Assert.NotNull(r.LexicalScore));
        Assert.All(results, r => Assert.Equal(Visible, r.Chunk.CollectionId));
    }

    [Fact]
    public async Task With_an_embedding_generator_search_is_hybrid_and_embeds_the_query_as_a_query()
    {
        var generator = new FakeEmbeddingGenerator();
        var retriever = Build(generator: generator);
        await Seed(_providers[^1], generator);

        var results = await retriever.SearchAsync(new SearchRequest("tidal power turbines", [Visible], Top: 3));

        Assert.True(retriever.IsHybrid);
        Assert.Equal(3, results.Count);
        var best = results[0];
        Assert.StartsWith("Tidal power", best.Chunk.Text, StringComparison.Ordinal);
        Assert.NotNull(best.LexicalScore);
        Assert.NotNull(best.DenseScore);
        Assert.True(best.Score > 0, "a fused z-score above both lists' average: found high by both retrievers");
        var options = Assert.Single(generator.Calls);
        Assert.Equal("query", options?.AdditionalProperties?["input_type"]);
        Assert.All(results, r => Assert.Equal(Visible, r.Chunk.CollectionId));
    }

    [Fact]
    public async Task The_canary_in_a_hidden_collection_is_not_returned_by_either_path()
    {
        var generator = new FakeEmbeddingGenerator();
        var retriever = Build(generator: generator);
        await Seed(_providers[^1], generator);

        var results = await retriever.SearchAsync(new SearchRequest("Tidal power turbines sea tidal power: confidential acquisition plan.", [Visible], Top: 50));

        Assert.NotEmpty(results);
        Assert.DoesNotContain(results, r => r.Chunk.CollectionId == Hidden || r.Chunk.Text.Contains("confidential", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_embedding_generator_fails_search_falls_back_to_lexical()
    {
        var generator = new FakeEmbeddingGenerator();
        var retriever = Build(generator: generator);
        await Seed(_providers[^1], generator);
        generator.Fail = true;

        var results = await retriever.SearchAsync(new SearchRequest("geothermal", [Visible]));

        Assert.StartsWith("Geothermal", Assert.Single(results).Chunk.Text, StringComparison.Ordinal);
        Assert.Null(results[0].DenseScore);
    }

    [Fact]
    public async Task Reciprocal_rank_fusion_orders_by_the_sum_of_reciprocal_ranks()
    {
        var doc = Guid.NewGuid();
        var a = Chunk(doc, 0, "a");
        var b = Chunk(doc, 1, "b");
        var c = Chunk(doc, 2, "c");
        var d = Chunk(doc, 3, "d");
        var index = new StubChunkIndex
        {
            Lexical = [new(a, 9), new(b, 8), new(c, 7)],
            Dense = [new(c, 0.9), new(a, 0.8), new(d, 0.7)],
        };
        var retriever = Build(index, new FakeEmbeddingGenerator(), new() { ["Retrieval:Fusion"] = "Rrf" });

        var results = await retriever.SearchAsync(new SearchRequest("q", [Visible], Top: 10));

        // a: 1/61 + 1/62, c: 1/63 + 1/61, b: 1/62, d: 1/63
        Assert.Equal(["a", "c", "b", "d"], results.Select(r => r.Chunk.Text));
        Assert.Equal(1.0 / 61 + 1.0 / 62, results[0].Score, 12);
        Assert.Equal((9.0, 0.8), (results[0].LexicalScore!.Value, results[0].DenseScore!.Value));
        Assert.Null(results[3].LexicalScore);
    }

    [Fact]
    public async Task Score_fusion_adds_the_weighted_z_scores_of_both_lists()
    {
        var doc = Guid.NewGuid();
        var a = Chunk(doc, 0, "a");
        var b = Chunk(doc, 1, "b");
        var c = Chunk(doc, 2, "c");
        var d = Chunk(doc, 3, "d");
        var index = new StubChunkIndex
        {
            // a leads the lexical list by far; c leads the dense list by a little.
            Lexical = [new(a, 30), new(b, 10), new(c, 9)],
            Dense = [new(c, 0.81), new(d, 0.80), new(a, 0.79)],
        };
        var retriever = Build(index, new FakeEmbeddingGenerator(), new() { ["Retrieval:LexicalWeight"] = "1", ["Retrieval:DenseWeight"] = "2" });

        var results = await retriever.SearchAsync(new SearchRequest("q", [Visible], Top: 10));

        static double[] Z(params double[] s)
        {
            var mean = s.Average();
            var sd = Math.Sqrt(s.Sum(x => (x - mean) * (x - mean)) / s.Length);
            return s.Select(x => (x - mean) / sd).ToArray();
        }
        var zl = Z(30, 10, 9);
        var zd = Z(0.81, 0.80, 0.79);
        var expected = new Dictionary<string, double>
        {
            ["a"] = zl[0] + 2 * zd[2],
            ["b"] = zl[1] + 2 * zd.Min(), // missing from the dense list: its lowest z-score
            ["c"] = zl[2] + 2 * zd[0],
            ["d"] = zl.Min() + 2 * zd[1],
        };
        Assert.Equal(expected.OrderByDescending(e => e.Value).Select(e => e.Key), results.Select(r => r.Chunk.Text));
        Assert.All(results, r => Assert.Equal(expected[r.Chunk.Text], r.Score, 12));
    }

    [Fact]
    public async Task A_zero_weight_leaves_the_other_list_s_order()
    {
        var doc = Guid.NewGuid();
        var a = Chunk(doc, 0, "a");
        var b = Chunk(doc, 1, "b");
        var c = Chunk(doc, 2, "c");
        var index = new StubChunkIndex { Lexical = [new(a, 3), new(b, 2)], Dense = [new(c, 0.9), new(b, 0.5), new(a, 0.1)] };

        var denseOnly = await Build(index, new FakeEmbeddingGenerator(), new() { ["Retrieval:LexicalWeight"] = "0" })
            .SearchAsync(new SearchRequest("q", [Visible], Top: 10));

        Assert.Equal(["c", "b", "a"], denseOnly.Select(r => r.Chunk.Text));
    }

    [Fact]
    public async Task The_rrf_k_comes_from_configuration()
    {
        var doc = Guid.NewGuid();
        var index = new StubChunkIndex { Lexical = [new(Chunk(doc, 0, "a"), 1)], Dense = [new(Chunk(doc, 0, "a"), 1)] };
        var retriever = Build(index, new FakeEmbeddingGenerator(), new() { ["Retrieval:Fusion"] = "Rrf", ["Retrieval:RrfK"] = "10" });

        var result = Assert.Single(await retriever.SearchAsync(new SearchRequest("q", [Visible])));

        Assert.Equal(2.0 / 11, result.Score, 12);
    }

    [Fact]
    public async Task Near_duplicate_passages_of_one_document_are_returned_once()
    {
        var doc = Guid.NewGuid();
        var other = Guid.NewGuid();
        const string text = "The warranty covers parts and labour for two years from the date of purchase in all regions.";
        var original = Chunk(doc, 0, text, charStart: 0, charEnd: 100);
        var overlapping = Chunk(doc, 1, "labour for two years from the date of purchase in all regions. Returns are free.", charStart: 40, charEnd: 120);
        var repeated = Chunk(doc, 7, text, charStart: 5000, charEnd: 5100); // the same boilerplate on another page
        var sameTextOtherDocument = Chunk(other, 0, text);
        var distinct = Chunk(doc, 3, "Shipping takes three to five business days.", charStart: 300, charEnd: 344);
        var index = new StubChunkIndex
        {
            Lexical = [new(original, 5), new(overlapping, 4), new(repeated, 3), new(sameTextOtherDocument, 2), new(distinct, 1)],
        };
        var retriever = Build(index);

        var results = await retriever.SearchAsync(new SearchRequest("warranty", [Visible], Top: 10));

        Assert.Equal([original.Id, sameTextOtherDocument.Id, distinct.Id], results.Select(r => r.Chunk.Id));
    }

    [Fact]
    public async Task Both_searches_get_the_filter_of_the_requested_collections()
    {
        var index = new StubChunkIndex();
        var retriever = Build(index, new FakeEmbeddingGenerator());

        await retriever.SearchAsync(new SearchRequest("anything", [Visible, Visible, Hidden]));

        Assert.Equal(2, index.Calls);
        Assert.All(index.Filters, f => Assert.Equal([Visible, Hidden], f.CollectionIds.Order()));
    }

    [Fact]
    public async Task A_request_without_collections_or_text_returns_nothing_without_searching()
    {
        var index = new StubChunkIndex();
        var retriever = Build(index, new FakeEmbeddingGenerator());

        Assert.Empty(await retriever.SearchAsync(new SearchRequest("anything", [])));
        Assert.Empty(await retriever.SearchAsync(new SearchRequest("  ", [Visible])));
        Assert.Equal(0, index.Calls);
    }

    [Fact]
    public async Task Top_limits_the_results_and_a_non_positive_top_means_the_configured_default()
    {
        var doc = Guid.NewGuid();
        var hits = Enumerable.Range(0, 30).Select(i => new ChunkHit(Chunk(doc, i, $"passage number {i} with its own words {i * 7919}"), 30 - i)).ToList();
        var index = new StubChunkIndex { Lexical = hits };
        var retriever = Build(index, settings: new() { ["Retrieval:Top"] = "5" });

        Assert.Equal(3, (await retriever.SearchAsync(new SearchRequest("q", [Visible], Top: 3))).Count);
        Assert.Equal(5, (await retriever.SearchAsync(new SearchRequest("q", [Visible], Top: 0))).Count);
    }

    [Fact]
    public async Task Lexical_hits_below_the_minimum_score_are_dropped()
    {
        var doc = Guid.NewGuid();
        var index = new StubChunkIndex { Lexical = [new(Chunk(doc, 0, "strong"), 5), new(Chunk(doc, 1, "weak"), 0.5)] };
        var retriever = Build(index, settings: new() { ["Retrieval:MinLexicalScore"] = "1" });

        Assert.Equal("strong", Assert.Single(await retriever.SearchAsync(new SearchRequest("q", [Visible]))).Chunk.Text);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Retrieval:RrfK"] = "0" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IChunkIndex>(new StubChunkIndex())
            .AddRetrieval(configuration).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RetrievalOptions>>().Value);
    }

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
