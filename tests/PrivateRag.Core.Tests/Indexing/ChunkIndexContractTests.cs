using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Tests.Indexing;

/// <summary>
/// What every <see cref="IChunkIndex"/> must do. An implementation runs the suite by deriving from this class and
/// implementing <see cref="OpenIndex"/>.
/// </summary>
public abstract class ChunkIndexContractTests : IDisposable
{
    protected static readonly Guid Allowed = Guid.Parse("a1a1a1a1-0000-4000-8000-000000000001");
    protected static readonly Guid AlsoAllowed = Guid.Parse("a2a2a2a2-0000-4000-8000-000000000002");
    protected static readonly Guid Forbidden = Guid.Parse("f0f0f0f0-0000-4000-8000-00000000000f");

    private readonly List<IChunkIndex> _opened = [];

    /// <summary>
    /// Opens an index over this test's store. Every test starts with an empty store; each call returns a new,
    /// independent instance over the same data, as another process would have.
    /// </summary>
    protected abstract IChunkIndex OpenIndex();

    protected IChunkIndex Open()
    {
        var index = OpenIndex();
        _opened.Add(index);
        return index;
    }

    protected static void Close(IChunkIndex index) => (index as IDisposable)?.Dispose();

    protected static IndexFilter OnlyAllowed => IndexFilter.For(Allowed);

    protected static IndexedChunk Chunk(Guid document, int ordinal, string text, Guid? collection = null,
        float[]? vector = null, string name = "report.pdf", string? heading = null) =>
        new(IndexedChunk.MakeId(document, ordinal), document, collection ?? Allowed, name, ordinal,
            ordinal + 1, ordinal + 1, heading, ordinal * 1000, ordinal * 1000 + text.Length, text, vector);

    protected static IReadOnlyList<IndexedChunk> Document(Guid document, Guid collection, params string[] texts) =>
        texts.Select((t, i) => Chunk(document, i, t, collection)).ToList();

    [SkippableFact]
    public async Task Lexical_search_ranks_the_passage_that_matches_best_first()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed,
            "Wind turbines convert kinetic energy of moving air into electricity.",
            "The quarterly revenue of the wind division grew by eight percent.",
            "Photosynthesis turns sunlight, water and carbon dioxide into sugar.",
            "Offshore wind turbines convert more kinetic energy because wind speeds are higher at sea."));

        var hits = await index.SearchLexicalAsync("wind turbine kinetic energy", OnlyAllowed, 10);

        Assert.Contains(hits[0].Chunk.Ordinal, new[] { 0, 3 });
        Assert.Contains(hits[1].Chunk.Ordinal, new[] { 0, 3 });
        Assert.Equal(1, hits[2].Chunk.Ordinal);
        Assert.DoesNotContain(hits, h => h.Chunk.Ordinal == 2);
        Assert.True(hits[0].Score >= hits[1].Score && hits[1].Score >= hits[2].Score, "scores are descending");
        Assert.All(hits, h => Assert.True(h.Score > 0, "a higher score is better and positive"));
    }

    [SkippableFact]
    public async Task A_chunks_layout_is_stored_with_it_and_removed_with_it()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        var layout = new ChunkLayout([new PageStart(0, 4), new PageStart(12, 5)],
            [new WordBox(0, 5, 4, 0, 100, 60000, 9000, 61000), new WordBox(12, 19, 5, 90, 200, 500, 7000, 1500)]);
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "Bolts torque. Flanges tightened.") with { PageStart = 4, PageEnd = 5, Layout = layout }]);

        var read = Assert.Single(await Open().GetDocumentChunksAsync(doc, OnlyAllowed));
        Assert.Equal(layout, read.Layout);
        Assert.Equal(5, read.PageAt(14));
        Assert.Equal(5, read.Layout!.Words[1].Page);
        Assert.Equal(90, read.Layout.Words[1].Rotation);

        await index.DeleteDocumentAsync(doc);
        Assert.Empty(await Open().GetDocumentChunksAsync(doc, OnlyAllowed));
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "Bolts torque again.")]);
        Assert.Null(Assert.Single(await Open().GetDocumentChunksAsync(doc, OnlyAllowed)).Layout);
    }

    [SkippableFact]
    public async Task Lexical_search_stems_english_words()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "She runs along the river every morning.", "Unrelated text about taxes."));

        var hits = await index.SearchLexicalAsync("running", OnlyAllowed, 10);

        Assert.Single(hits);
        Assert.Equal(0, hits[0].Chunk.Ordinal);
    }

    [SkippableTheory]
    [InlineData("cafe creme", 0)]
    [InlineData("CAFÉ", 0)]
    [InlineData("naïve", 1)]
    [InlineData("Müller", 2)]
    [InlineData("mueller muller", 2)]
    public async Task Lexical_search_ignores_case_and_diacritics(string query, int expectedOrdinal)
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed,
            "Le café crème est délicieux.",
            "A naive approach to sorting.",
            "Herr Muller unterschreibt den Vertrag."));

        var hits = await index.SearchLexicalAsync(query, OnlyAllowed, 10);

        Assert.Equal(expectedOrdinal, hits[0].Chunk.Ordinal);
    }

    [SkippableTheory]
    [InlineData("東京", 0)]
    [InlineData("東京に住む", 0)]
    [InlineData("人工智能", 1)]
    [InlineData("机器学习", 1)]
    [InlineData("서울", 2)]
    public async Task Lexical_search_finds_chinese_japanese_and_korean_text(string query, int expectedOrdinal)
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed,
            "私は東京都に住んでいます。",
            "机器学习是人工智能的一个分支。",
            "저는 서울에서 일합니다.",
            "大阪の天気は晴れです。"));

        var hits = await index.SearchLexicalAsync(query, OnlyAllowed, 10);

        Assert.NotEmpty(hits);
        Assert.Equal(expectedOrdinal, hits[0].Chunk.Ordinal);
        Assert.DoesNotContain(hits, h => h.Chunk.Ordinal == 3);
    }

    [SkippableTheory]
    [InlineData("\"AND OR NEAR( *")]
    [InlineData("text: NOT (a OR")]
    [InlineData("^start -minus +plus {col} [x] 'quote' \"")]
    [InlineData("*")]
    [InlineData("NEAR(a b, 5)")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!?.,;")]
    public async Task Fts_syntax_in_the_query_is_treated_as_text_and_never_throws(string query)
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "Operators such as AND, OR and NEAR are words here."));

        var hits = await index.SearchLexicalAsync(query, OnlyAllowed, 10);

        Assert.All(hits, h => Assert.Equal(Allowed, h.Chunk.CollectionId));
    }

    [SkippableFact]
    public async Task Punctuation_only_and_empty_queries_find_nothing()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "Some text."));

        Assert.Empty(await index.SearchLexicalAsync("", OnlyAllowed, 10));
        Assert.Empty(await index.SearchLexicalAsync("?!*()", OnlyAllowed, 10));
    }

    [SkippableFact]
    public async Task Dense_search_returns_the_nearest_vectors_first()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc,
        [
            Chunk(doc, 0, "north", vector: [1, 0, 0, 0]),
            Chunk(doc, 1, "north-east", vector: [1, 1, 0, 0]),
            Chunk(doc, 2, "south", vector: [-1, 0, 0, 0]),
            Chunk(doc, 3, "up", vector: [0, 0, 5, 0]),
        ]);

        var hits = await index.SearchDenseAsync(new float[] { 2, 0.1f, 0, 0 }, OnlyAllowed, 3);

        Assert.Equal([0, 1, 3], hits.Select(h => h.Chunk.Ordinal));
        Assert.InRange(hits[0].Score, 0.99, 1.0001);
        Assert.InRange(hits[2].Score, -0.01, 0.01);
    }

    [SkippableFact]
    public async Task No_search_or_read_returns_chunks_of_collections_outside_the_filter()
    {
        var index = Open();
        var visible = Guid.NewGuid();
        var hidden = Guid.NewGuid();
        await index.ReplaceDocumentAsync(visible, [Chunk(visible, 0, "budget forecast for the harbour project", Allowed, [1, 0, 0, 0])]);
        await index.ReplaceDocumentAsync(hidden, [Chunk(hidden, 0, "budget forecast for the harbour project", Forbidden, [1, 0, 0, 0])]);
        var filter = IndexFilter.For(Allowed, AlsoAllowed);

        var lexical = await index.SearchLexicalAsync("budget forecast harbour", filter, 10);
        var dense = await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, filter, 10);
        var byId = await index.GetAsync([IndexedChunk.MakeId(visible, 0), IndexedChunk.MakeId(hidden, 0)], filter);
        var hiddenDocument = await index.GetDocumentChunksAsync(hidden, filter);

        Assert.Equal(visible, Assert.Single(lexical).Chunk.DocumentId);
        Assert.Equal(visible, Assert.Single(dense).Chunk.DocumentId);
        Assert.Equal(visible, Assert.Single(byId).DocumentId);
        Assert.Empty(hiddenDocument);
        Assert.Single(await index.GetDocumentChunksAsync(visible, filter));
        // The forbidden collection's chunks are there for callers allowed to see them.
        Assert.Equal(hidden, Assert.Single(await index.SearchLexicalAsync("harbour", IndexFilter.For(Forbidden), 10)).Chunk.DocumentId);
    }

    private static IndexedChunk Narrowed(IndexedChunk chunk, params string[] readers) => chunk with { Readers = readers };

    private static IndexFilter As(params string[] tokens) => new([Allowed], tokens);

    [SkippableFact]
    public async Task A_narrowed_document_is_seen_only_by_its_readers_in_every_search_and_read()
    {
        var index = Open();
        var open = Guid.NewGuid();
        var alice = Guid.NewGuid();
        var sales = Guid.NewGuid();
        var nobody = Guid.NewGuid();
        const string text = "salary band canary for the harbour project";
        await index.ReplaceDocumentAsync(open, [Chunk(open, 0, text, Allowed, [1, 0, 0, 0])]);
        await index.ReplaceDocumentAsync(alice, [Narrowed(Chunk(alice, 0, text, Allowed, [1, 0, 0, 0]), "u:alice")]);
        await index.ReplaceDocumentAsync(sales, [Narrowed(Chunk(sales, 0, text, Allowed, [1, 0, 0, 0]), "g:sales", "u:carol")]);
        await index.ReplaceDocumentAsync(nobody, [Narrowed(Chunk(nobody, 0, text, Allowed, [1, 0, 0, 0]))]);
        var all = new[] { open, alice, sales, nobody };

        async Task<HashSet<Guid>[]> SeenAsync(IndexFilter filter) =>
        [
            (await index.SearchLexicalAsync("salary band canary harbour", filter, 10)).Select(h => h.Chunk.DocumentId).ToHashSet(),
            (await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, filter, 10)).Select(h => h.Chunk.DocumentId).ToHashSet(),
            (await index.GetAsync(all.Select(d => IndexedChunk.MakeId(d, 0)).ToList(), filter)).Select(c => c.DocumentId).ToHashSet(),
            (await Task.WhenAll(all.Select(d => index.GetDocumentChunksAsync(d, filter)))).SelectMany(c => c).Select(c => c.DocumentId).ToHashSet(),
        ];

        foreach (var (filter, expected) in new (IndexFilter, Guid[])[]
        {
            (As("u:alice"), [open, alice]),
            (As("u:bob", "g:sales"), [open, sales]),
            (As("u:carol"), [open, sales]),
            (As("u:dave", "g:support"), [open]),
            (As(), [open]),
            (IndexFilter.For(Allowed), all), // administrators: not narrowed by documents
        })
        {
            foreach (var seen in await SeenAsync(filter)) Assert.Equal(expected.ToHashSet(), seen);
        }
    }

    [SkippableFact]
    public async Task A_narrowed_document_that_matches_best_never_crowds_out_readable_passages()
    {
        var index = Open();
        var weak = Guid.NewGuid();
        var canary = Guid.NewGuid();
        await index.ReplaceDocumentAsync(weak, [Chunk(weak, 0, "A note that mentions a zebra once, among many other words about nothing.", Allowed, [0, 1, 0, 0])]);
        await index.ReplaceDocumentAsync(canary, Enumerable.Range(0, 20).Select(i =>
            Narrowed(Chunk(canary, i, "zebra quantum canary zebra quantum canary", Allowed, [1, 0, 0, 0.01f * i]), "u:owner")).ToList());

        foreach (var top in new[] { 1, 5 })
        {
            Assert.Equal(weak, Assert.Single(await index.SearchLexicalAsync("zebra quantum canary", As("u:someone"), top)).Chunk.DocumentId);
            Assert.Equal(weak, Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, As("u:someone"), top)).Chunk.DocumentId);
        }
    }

    [SkippableFact]
    public async Task A_reader_token_matches_only_a_whole_token_even_with_quotes_and_commas_in_names()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Narrowed(Chunk(doc, 0, "quoted names canary", Allowed), "u:x\",\"u:admin", "g:a,b", "u:élodie")]);

        Assert.Empty(await index.SearchLexicalAsync("quoted names canary", As("u:admin"), 10));
        Assert.Empty(await index.SearchLexicalAsync("quoted names canary", As("g:a", "g:b", "u:x"), 10));
        Assert.Single(await index.SearchLexicalAsync("quoted names canary", As("u:x\",\"u:admin"), 10));
        Assert.Single(await index.SearchLexicalAsync("quoted names canary", As("g:a,b"), 10));
        Assert.Single(await index.SearchLexicalAsync("quoted names canary", As("u:élodie"), 10));
    }

    [SkippableFact]
    public async Task Setting_a_documents_readers_changes_who_sees_it_and_keeps_its_vectors()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "quarterly forecast canary", Allowed, [1, 0, 0, 0]), Chunk(doc, 1, "second part", Allowed, [0, 1, 0, 0])]);
        var bob = As("u:bob");

        await index.SetDocumentReadersAsync(doc, ["u:alice"]);
        Assert.Empty(await index.SearchLexicalAsync("quarterly forecast", bob, 10));
        Assert.Empty(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, bob, 10));
        Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, As("u:alice"), 1));

        await index.SetDocumentReadersAsync(doc, []);
        Assert.Empty(await index.SearchLexicalAsync("quarterly forecast", As("u:alice"), 10));
        Assert.Single(await index.SearchLexicalAsync("quarterly forecast", IndexFilter.For(Allowed), 10));

        await index.SetDocumentReadersAsync(doc, null);
        Assert.Single(await index.SearchLexicalAsync("quarterly forecast", bob, 10));
        var dense = await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, bob, 2);
        Assert.Equal([0, 1], dense.Select(h => h.Chunk.Ordinal));
        Assert.Equal(2, (await index.GetDocumentChunksAsync(doc, bob)).Count);
        // Another instance (another process) sees the change too.
        Assert.Single(await Open().SearchLexicalAsync("quarterly forecast", bob, 10));
    }

    [SkippableFact]
    public async Task An_empty_filter_sees_nothing()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "visible to some", Allowed, [1, 0, 0, 0])]);
        var none = new IndexFilter([]);

        Assert.Empty(await index.SearchLexicalAsync("visible", none, 10));
        Assert.Empty(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, none, 10));
        Assert.Empty(await index.GetAsync([IndexedChunk.MakeId(doc, 0)], none));
        Assert.Empty(await index.GetDocumentChunksAsync(doc, none));
    }

    [SkippableFact]
    public async Task A_canary_in_a_forbidden_collection_that_matches_best_is_never_returned()
    {
        var index = Open();
        var weak = Guid.NewGuid();
        var canary = Guid.NewGuid();
        await index.ReplaceDocumentAsync(weak, [Chunk(weak, 0, "A note that mentions a zebra once, among many other words about nothing.", Allowed, [0, 1, 0, 0])]);
        await index.ReplaceDocumentAsync(canary, [Chunk(canary, 0, "zebra quantum canary zebra quantum canary", Forbidden, [1, 0, 0, 0], "canary.pdf", "zebra quantum canary")]);

        foreach (var top in new[] { 1, 5, 100 })
        {
            var lexical = await index.SearchLexicalAsync("zebra quantum canary", OnlyAllowed, top);
            var dense = await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, top);

            Assert.Equal(weak, Assert.Single(lexical).Chunk.DocumentId);
            Assert.Equal(weak, Assert.Single(dense).Chunk.DocumentId);
        }
    }

    [SkippableFact]
    public async Task Replacing_a_document_removes_the_old_version_and_rerunning_it_does_not_duplicate()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "alpha one", "alpha two", "alpha three"));
        var second = Document(doc, Allowed, "beta one", "beta two");

        await index.ReplaceDocumentAsync(doc, second);
        var afterFirst = await index.GetStatsAsync();
        await index.ReplaceDocumentAsync(doc, second);
        var afterRerun = await index.GetStatsAsync();

        Assert.Empty(await index.SearchLexicalAsync("alpha", OnlyAllowed, 10));
        Assert.Equal(2, (await index.SearchLexicalAsync("beta", OnlyAllowed, 10)).Count);
        Assert.Equal(["beta one", "beta two"], (await index.GetDocumentChunksAsync(doc, OnlyAllowed)).Select(c => c.Text));
        Assert.Equal(2, afterFirst.Chunks);
        Assert.Equal(afterFirst, afterRerun);
    }

    [SkippableFact]
    public async Task Readers_never_see_both_or_neither_version_while_a_document_is_replaced()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        var v1 = Enumerable.Range(0, 6).Select(i => Chunk(doc, i, $"version alpha part {i}")).ToList();
        var v2 = Enumerable.Range(0, 6).Select(i => Chunk(doc, i, $"version beta part {i}")).ToList();
        await index.ReplaceDocumentAsync(doc, v1);
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var chunks = await index.GetDocumentChunksAsync(doc, OnlyAllowed);
                Assert.Equal(6, chunks.Count);
                Assert.Single(chunks.Select(c => c.Text.Split(' ')[1]).Distinct());
                var hits = await index.SearchLexicalAsync("version", OnlyAllowed, 20);
                Assert.Equal(6, hits.Count);
                reads++;
            }
            return reads;
        });
        for (var i = 0; i < 30; i++) await index.ReplaceDocumentAsync(doc, i % 2 == 0 ? v2 : v1);
        await stop.CancelAsync();

        Assert.True(await reader > 0);
    }

    [SkippableFact]
    public async Task Deleting_a_document_removes_it_from_every_search_and_read()
    {
        var index = Open();
        var keep = Guid.NewGuid();
        var drop = Guid.NewGuid();
        await index.ReplaceDocumentAsync(keep, [Chunk(keep, 0, "lighthouse keeper log", vector: [0, 1, 0, 0])]);
        await index.ReplaceDocumentAsync(drop, [Chunk(drop, 0, "lighthouse lamp maintenance", vector: [1, 0, 0, 0]), Chunk(drop, 1, "lamp oil", vector: [1, 0.1f, 0, 0])]);
        Assert.Equal(2, (await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 2)).Count(h => h.Chunk.DocumentId == drop));

        await index.DeleteDocumentAsync(drop);

        Assert.Equal(keep, Assert.Single(await index.SearchLexicalAsync("lighthouse lamp", OnlyAllowed, 10)).Chunk.DocumentId);
        Assert.Equal(keep, Assert.Single(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 10)).Chunk.DocumentId);
        Assert.Empty(await index.GetAsync([IndexedChunk.MakeId(drop, 0)], OnlyAllowed));
        Assert.Empty(await index.GetDocumentChunksAsync(drop, OnlyAllowed));
        Assert.Equal(new IndexStats(1, 1, 4), await index.GetStatsAsync());
        await index.DeleteDocumentAsync(Guid.NewGuid()); // an unknown document is not an error
    }

    [SkippableFact]
    public async Task Chunks_vectors_and_stats_persist_across_close_and_reopen()
    {
        var first = Open();
        var doc = Guid.NewGuid();
        await first.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "persistent glacier measurements", vector: [0, 0, 1, 0], heading: "Results > Ice")]);
        Close(first);

        var reopened = Open();

        var hit = Assert.Single(await reopened.SearchLexicalAsync("glacier", OnlyAllowed, 10));
        Assert.Equal("Results > Ice", hit.Chunk.HeadingPath);
        Assert.Equal(doc, Assert.Single(await reopened.SearchDenseAsync(new float[] { 0, 0, 1, 0 }, OnlyAllowed, 10)).Chunk.DocumentId);
        Assert.Equal(new IndexStats(1, 1, 4), await reopened.GetStatsAsync());
    }

    [SkippableFact]
    public async Task Writes_by_another_instance_are_seen_by_the_next_dense_search()
    {
        var app = Open();
        var cli = Open();
        var old = Guid.NewGuid();
        await app.ReplaceDocumentAsync(old, [Chunk(old, 0, "old", vector: [0, 1, 0, 0])]);
        Assert.Single(await app.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 10)); // warms any cache

        var added = Guid.NewGuid();
        await cli.ReplaceDocumentAsync(added, [Chunk(added, 0, "new", vector: [1, 0, 0, 0])]);
        var afterAdd = await app.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 10);
        await cli.DeleteDocumentAsync(old);
        var afterDelete = await app.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 10);

        Assert.Equal([added, old], afterAdd.Select(h => h.Chunk.DocumentId));
        Assert.Equal(added, Assert.Single(afterDelete).Chunk.DocumentId);
        Assert.Equal(added, Assert.Single(await app.SearchLexicalAsync("new", OnlyAllowed, 10)).Chunk.DocumentId);
    }

    [SkippableFact]
    public async Task Vectors_of_another_dimension_are_rejected_with_both_dimensions_named()
    {
        var index = Open();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await index.ReplaceDocumentAsync(first, [Chunk(first, 0, "four", vector: [1, 2, 3, 4])]);

        var e = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            index.ReplaceDocumentAsync(second, [Chunk(second, 0, "seven", vector: [1, 2, 3, 4, 5, 6, 7])]));

        Assert.Contains("4", e.Message, StringComparison.Ordinal);
        Assert.Contains("7", e.Message, StringComparison.Ordinal);
        Assert.Empty(await index.GetDocumentChunksAsync(second, OnlyAllowed)); // nothing of the rejected document was written
        Assert.Equal(4, (await index.GetStatsAsync()).VectorDimensions);
    }

    [SkippableFact]
    public async Task Chunks_without_vectors_are_found_lexically_but_not_densely()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "no model configured"));

        Assert.Single(await index.SearchLexicalAsync("model", OnlyAllowed, 10));
        Assert.Empty(await index.SearchDenseAsync(new float[] { 1, 0, 0, 0 }, OnlyAllowed, 10));
        Assert.Equal(new IndexStats(1, 1, null), await index.GetStatsAsync());
    }

    [SkippableFact]
    public async Task GetAsync_returns_the_chunks_asked_for_in_that_order_and_skips_unknown_ids()
    {
        var index = Open();
        var doc = Guid.NewGuid();
        await index.ReplaceDocumentAsync(doc, Document(doc, Allowed, "zero", "one", "two"));

        var chunks = await index.GetAsync([IndexedChunk.MakeId(doc, 2), "missing", IndexedChunk.MakeId(doc, 0)], OnlyAllowed);

        Assert.Equal(["two", "zero"], chunks.Select(c => c.Text));
        Assert.Equal(doc, chunks[0].DocumentId);
        Assert.Equal(2, chunks[0].Ordinal);
        Assert.Equal("report.pdf", chunks[0].DocumentName);
    }

    [SkippableFact]
    public async Task Searches_running_while_documents_are_written_all_succeed_and_respect_the_filter()
    {
        var index = Open();
        var forbidden = Guid.NewGuid();
        await index.ReplaceDocumentAsync(forbidden, [Chunk(forbidden, 0, "shared words in a secret place", Forbidden, [1, 1, 1, 1])]);
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var searches = 0;
            while (!stop.IsCancellationRequested || searches == 0)
            {
                var lexical = await index.SearchLexicalAsync("shared words", OnlyAllowed, 20);
                var dense = await index.SearchDenseAsync(new float[] { 1, 1, 1, r }, OnlyAllowed, 20);
                Assert.All(lexical.Concat(dense), h => Assert.Equal(Allowed, h.Chunk.CollectionId));
                searches++;
            }
        })).ToList();
        var docs = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        for (var round = 0; round < 4; round++)
        {
            foreach (var doc in docs)
            {
                await index.ReplaceDocumentAsync(doc, Enumerable.Range(0, 3)
                    .Select(i => Chunk(doc, i, $"shared words round {round} part {i}", vector: [1, round, i, 1])).ToList());
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(new IndexStats(31, 11, 4), await index.GetStatsAsync());
        Assert.Equal(20, (await index.SearchDenseAsync(new float[] { 1, 1, 1, 1 }, OnlyAllowed, 20)).Count);
    }

    public void Dispose()
    {
        foreach (var index in _opened) Close(index);
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the implementation's store (after every opened instance is closed).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
