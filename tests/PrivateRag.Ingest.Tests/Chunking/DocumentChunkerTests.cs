using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Tests.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Chunking;

public sealed class DocumentChunkerTests
{
    private static readonly ITokenCounter Counter = ApproximateTokenCounter.Instance;

    private static DocumentChunker Chunker(int target = 350, int overlap = 50, int max = 512) =>
        new(new ChunkingOptions { TargetTokens = target, OverlapTokens = overlap, MaxTokens = max }, Counter);

    private static string Sentences(int count, string prefix) =>
        string.Join(" ", Enumerable.Range(1, count).Select(i => $"{prefix} sentence number {i} says something useful here."));

    private static ExtractedDocument Book() => new(
    [
        new(1, BlockKind.Heading, "Chapter 1", 1),
        new(1, BlockKind.Paragraph, Sentences(30, "Alpha")),
        new(2, BlockKind.Heading, "Section 1.2", 2),
        new(2, BlockKind.Paragraph, Sentences(40, "Beta")),
        new(3, BlockKind.Paragraph, Sentences(40, "Gamma")),
        new(3, BlockKind.Table, "Name | Value\na | 1\nb | 2"),
        new(4, BlockKind.Heading, "Chapter 2", 1),
        new(4, BlockKind.ListItem, "A list item."),
    ], 4);

    [Fact]
    public void A_short_document_stays_one_chunk_even_above_the_target()
    {
        var abstractLike = new ExtractedDocument(
        [
            new(1, BlockKind.Paragraph, "A title about tides"),
            new(1, BlockKind.Paragraph, Sentences(40, "Tide")),
        ], 1);
        var tokens = Counter.Count(ExtractedDocumentText.Build(abstractLike).Text);
        Assert.InRange(tokens, 351, 512);

        Assert.Single(Chunker().Chunk(abstractLike));
        var cutBySize = new DocumentChunker(new ChunkingOptions { TargetTokens = 350, OverlapTokens = 50, MaxTokens = 512, WholeDocumentTokens = 0 }, Counter);
        Assert.True(cutBySize.Chunk(abstractLike).Count > 1);
    }

    [Fact]
    public void A_whole_document_limit_above_the_ceiling_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DocumentChunker(new ChunkingOptions { TargetTokens = 350, MaxTokens = 512, WholeDocumentTokens = 600 }, Counter));
        Assert.Contains("WholeDocumentTokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_point_at_the_chunk_text_in_the_canonical_document_text()
    {
        var doc = Book();
        var full = ExtractedDocumentText.Build(doc);

        var chunks = Chunker().Chunk(doc);

        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(full.Text.Substring(c.CharStart, c.CharEnd - c.CharStart), c.Text));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Canonical_text_joins_blocks_with_blank_lines_and_records_their_starts()
    {
        var doc = new ExtractedDocument([new(1, BlockKind.Paragraph, "ab"), new(2, BlockKind.Paragraph, "cde")], 2);

        var full = ExtractedDocumentText.Build(doc);

        Assert.Equal("ab\n\ncde", full.Text);
        Assert.Equal([0, 4], full.BlockStarts);
    }

    [Fact]
    public void Chunks_cover_every_block_in_order()
    {
        var doc = Book();
        var full = ExtractedDocumentText.Build(doc);
        var chunks = Chunker().Chunk(doc);

        for (var i = 0; i < doc.Blocks.Count; i++)
        {
            var start = full.BlockStarts[i];
            var end = start + doc.Blocks[i].Text.Length;
            Assert.Contains(chunks, c => c.CharStart <= start && c.CharEnd > start);
            Assert.Contains(chunks, c => c.CharStart < end && c.CharEnd >= end);
        }
        Assert.Equal(chunks.Select(c => c.CharStart).Order(), chunks.Select(c => c.CharStart));
        Assert.Equal(chunks.Select(c => c.CharEnd).Order(), chunks.Select(c => c.CharEnd));
    }

    [Fact]
    public void Headings_start_chunks_and_give_the_heading_path()
    {
        var chunks = Chunker().Chunk(Book());

        Assert.StartsWith("Chapter 1", chunks[0].Text, StringComparison.Ordinal);
        Assert.Equal("Chapter 1", chunks[0].HeadingPath);
        var section = Assert.Single(chunks, c => c.Text.StartsWith("Section 1.2", StringComparison.Ordinal));
        Assert.Equal("Chapter 1 > Section 1.2", section.HeadingPath);
        var last = chunks[^1];
        Assert.Equal("Chapter 2\n\nA list item.", last.Text);
        Assert.Equal("Chapter 2", last.HeadingPath);
        Assert.All(chunks.Where(c => c.Text.Contains("Beta", StringComparison.Ordinal)), c => Assert.Equal("Chapter 1 > Section 1.2", c.HeadingPath));
        Assert.DoesNotContain(chunks, c => c.Text.Contains("Alpha", StringComparison.Ordinal) && c.Text.Contains("Beta", StringComparison.Ordinal));
    }

    [Fact]
    public void Chunks_know_their_page_span()
    {
        var chunks = Chunker().Chunk(Book());

        Assert.Equal((1, 1), (chunks[0].PageStart, chunks[0].PageEnd));
        Assert.Contains(chunks, c => c.PageStart == 2 && c.PageEnd == 3 && c.Text.Contains("Beta", StringComparison.Ordinal) && c.Text.Contains("Gamma", StringComparison.Ordinal));
        Assert.Equal((4, 4), (chunks[^1].PageStart, chunks[^1].PageEnd));
        Assert.All(chunks, c => Assert.True(c.PageStart <= c.PageEnd));
    }

    [Fact]
    public void No_chunk_exceeds_max_tokens_and_full_chunks_stay_near_the_target()
    {
        var chunks = Chunker(target: 120, overlap: 20, max: 150).Chunk(Book());

        Assert.All(chunks, c => Assert.InRange(Counter.Count(c.Text), 1, 150));
        Assert.Contains(chunks, c => Counter.Count(c.Text) > 80);
    }

    [Fact]
    public void Long_paragraphs_split_between_sentences_and_repeat_trailing_sentences_as_overlap()
    {
        var chunks = Chunker(target: 100, overlap: 25, max: 150).Chunk(Book());
        var alpha = chunks.Where(c => c.Text.Contains("Alpha", StringComparison.Ordinal)).ToList();

        Assert.True(alpha.Count >= 3);
        Assert.All(alpha.Skip(1), c => Assert.StartsWith("Alpha sentence number", c.Text, StringComparison.Ordinal));
        Assert.All(alpha, c => Assert.EndsWith("useful here.", c.Text, StringComparison.Ordinal));
        for (var i = 1; i < alpha.Count; i++)
        {
            // The next chunk starts inside the previous one: its first sentences are the previous chunk's last ones.
            Assert.True(alpha[i].CharStart < alpha[i - 1].CharEnd, $"chunk {alpha[i].Ordinal} does not overlap the previous one");
            Assert.True(alpha[i].CharStart > alpha[i - 1].CharStart);
            var overlap = alpha[i - 1].CharEnd - alpha[i].CharStart;
            Assert.InRange(Counter.Count(alpha[i].Text[..overlap]), 1, 25);
        }
    }

    [Fact]
    public void Paragraph_that_fits_is_kept_whole()
    {
        var doc = new ExtractedDocument(
        [
            new(1, BlockKind.Paragraph, Sentences(6, "One")),
            new(1, BlockKind.Paragraph, Sentences(6, "Two")),
            new(1, BlockKind.Paragraph, Sentences(6, "Three")),
        ], 1);

        var chunks = Chunker(target: 120, overlap: 0, max: 150).Chunk(doc);

        foreach (var block in doc.Blocks)
        {
            Assert.Contains(chunks, c => c.Text.Contains(block.Text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_sentence_longer_than_the_budget_is_split_between_words()
    {
        var words = string.Join(" ", Enumerable.Range(1, 400).Select(i => $"word{i}"));
        var doc = new ExtractedDocument([new(1, BlockKind.Paragraph, words)], 1);

        var chunks = Chunker(target: 50, overlap: 10, max: 60).Chunk(doc);

        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c => Assert.InRange(Counter.Count(c.Text), 1, 60));
        Assert.All(chunks, c => Assert.Matches(@"^word\d+( word\d+)*$", c.Text));
    }

    [Fact]
    public void A_giant_word_is_cut_only_because_it_has_no_spaces()
    {
        var blob = new string('x', 10_000);
        var doc = new ExtractedDocument([new(1, BlockKind.Paragraph, blob)], 1);

        var chunks = Chunker(target: 100, overlap: 10, max: 120).Chunk(doc);

        Assert.Equal(blob, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.InRange(Counter.Count(c.Text), 1, 120));
    }

    [Fact]
    public void Abbreviations_and_decimals_do_not_end_sentences()
    {
        var text = "Dr. Smith measured 3.5 kg, e.g. in the lab. The next sentence starts here. " + Sentences(20, "Filler");
        var doc = new ExtractedDocument([new(1, BlockKind.Paragraph, text)], 1);

        var chunks = Chunker(target: 40, overlap: 0, max: 60).Chunk(doc);

        Assert.StartsWith("Dr. Smith measured 3.5 kg, e.g. in the lab. The next sentence starts here.", chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_input_gives_same_chunks()
    {
        var first = Chunker(target: 100, overlap: 25).Chunk(Book());
        var second = Chunker(target: 100, overlap: 25).Chunk(Book());

        Assert.Equal(first, second);
    }

    [Fact]
    public void Empty_document_gives_no_chunks()
    {
        Assert.Empty(Chunker().Chunk(new ExtractedDocument([], 0)));
    }

    [Fact]
    public void Approximate_counter_counts_words_long_words_and_cjk()
    {
        Assert.Equal(0, Counter.Count(""));
        Assert.Equal(2, Counter.Count("hello"));          // 1.3 rounded up
        Assert.Equal(4, Counter.Count("hello world you")); // 3.9
        Assert.Equal(25, Counter.Count(new string('x', 100)));
        Assert.Equal(4, Counter.Count("漢字かな"));
    }

    [SharedDataFact]
    public void Real_pdf_chunks_have_consistent_offsets_pages_and_sizes()
    {
        var doc = Read.Shared("docs/pypdf-sample-files/GeoTopo-komprimiert.pdf");
        var full = ExtractedDocumentText.Build(doc);

        var chunks = Chunker().Chunk(doc);

        Assert.True(chunks.Count > 50);
        Assert.All(chunks, c =>
        {
            Assert.Equal(full.Text[c.CharStart..c.CharEnd], c.Text);
            Assert.InRange(Counter.Count(c.Text), 1, 512);
            Assert.InRange(c.PageStart, 1, 117);
            Assert.InRange(c.PageEnd, c.PageStart, 117);
        });
        Assert.Contains(chunks, c => c.PageStart == 10 && c.HeadingPath?.EndsWith("Metrische Räume", StringComparison.Ordinal) == true);
        Assert.Equal(chunks, Chunker().Chunk(doc));
    }
}
