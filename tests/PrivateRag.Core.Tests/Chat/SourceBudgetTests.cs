using PrivateRag.Core.Answering;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Text;

namespace PrivateRag.Core.Tests.Chat;

public sealed class SourceBudgetTests
{
    private static SearchResult Result(string text) => new(
        new IndexedChunk(Guid.NewGuid().ToString("N"), Guid.NewGuid(), Guid.NewGuid(), "d.pdf", 0, 1, 1, null, 0, text.Length, text), 1, null, null);

    /// <summary>One token per word: makes the budget arithmetic visible.</summary>
    private static readonly ITokenCounter Words = new ModelTokenCounter(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    [Fact]
    public void Sources_are_numbered_in_rank_order_and_trimmed_to_the_token_budget()
    {
        var results = new[]
        {
            Result(string.Join(' ', Enumerable.Repeat("alpha", 60))),
            Result(string.Join(' ', Enumerable.Repeat("beta", 50))),   // would overflow 100: skipped
            Result(string.Join(' ', Enumerable.Repeat("gamma", 30))),  // still fits after the skip
            Result(string.Join(' ', Enumerable.Repeat("delta", 20))),  // budget exhausted
        };
        var selected = NumberedSource.Select(results, new AnswerOptions { MaxSources = 6, MaxSourceTokens = 100 }, Words);
        Assert.Equal([1, 2], selected.Select(s => s.N));
        Assert.StartsWith("alpha", selected[0].Result.Chunk.Text);
        Assert.StartsWith("gamma", selected[1].Result.Chunk.Text);
    }

    [Fact]
    public void The_best_source_is_kept_even_when_it_alone_exceeds_the_budget()
    {
        var selected = NumberedSource.Select([Result(string.Join(' ', Enumerable.Repeat("huge", 500)))],
            new AnswerOptions { MaxSourceTokens = 100 }, Words);
        Assert.Single(selected);
    }

    [Fact]
    public void No_more_than_the_configured_number_of_sources()
    {
        var results = Enumerable.Range(0, 10).Select(i => Result($"short passage {i}")).ToList();
        Assert.Equal(3, NumberedSource.Select(results, new AnswerOptions { MaxSources = 3 }, Words).Count);
    }
}
