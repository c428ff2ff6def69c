using PrivateRag.Core.Answering;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;

namespace PrivateRag.Core.Tests.Chat;

public sealed class CitationVerifierTests
{
    private static NumberedSource Source(int n, string text) => new(n, new SearchResult(
        new IndexedChunk($"c{n}", Guid.NewGuid(), Guid.NewGuid(), $"doc{n}.pdf", 0, n, n, null, 0, text.Length, text), 1, null, null));

    private static readonly IReadOnlyList<NumberedSource> Sources =
    [
        Source(1, "Net revenue for the quarter increased 12% to $4.2 billion, driven by cloud services."),
        Source(2, "The company repurchased 3 million shares during the period."),
    ];

    [Fact]
    public void A_sentence_supported_by_its_passage_verifies_that_citation()
    {
        var verified = CitationVerifier.VerifiedSources("Net revenue increased 12% to $4.2 billion driven by cloud services [1].", Sources);
        Assert.Contains(1, verified);
    }

    [Fact]
    public void A_claim_pinned_to_the_wrong_source_is_not_verified()
    {
        var verified = CitationVerifier.VerifiedSources("Net revenue increased 12% driven by cloud services [2].", Sources);
        Assert.DoesNotContain(2, verified);
    }

    [Fact]
    public void An_invented_claim_is_not_verified()
    {
        var verified = CitationVerifier.VerifiedSources("The chief executive resigned after an accounting scandal in Brazil [1].", Sources);
        Assert.Empty(verified);
    }
}
