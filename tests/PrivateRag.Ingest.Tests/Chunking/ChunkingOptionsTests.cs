using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;

namespace PrivateRag.Ingest.Tests.Chunking;

public sealed class ChunkingOptionsTests
{
    [Theory]
    [InlineData("Ingestion:Chunking:TargetTokens", "0", "TargetTokens")]
    [InlineData("Ingestion:Chunking:MaxTokens", "100", "Ingestion:Chunking:MaxTokens (100) must be at least")]
    [InlineData("Ingestion:Chunking:OverlapTokens", "200", "Ingestion:Chunking:OverlapTokens (200) must be at most half")]
    [InlineData("Ingestion:Chunking:OverlapTokens", "-1", "OverlapTokens")]
    public void Invalid_chunk_sizes_fail_at_start_naming_the_key(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddLogging().AddPrivateRagIngestion(configuration, runWorkers: false).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ChunkingOptions>>().Value);

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("60", 30, 512)]
    [InlineData("600", 50, 600)]
    [InlineData("350", 50, 512)]
    public void Sizes_left_unset_follow_the_target(string target, int overlap, int max)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Ingestion:Chunking:TargetTokens"] = target }).Build();
        using var provider = new ServiceCollection().AddLogging().AddPrivateRagIngestion(configuration, runWorkers: false).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ChunkingOptions>>().Value;

        Assert.Equal(overlap, options.EffectiveOverlapTokens);
        Assert.Equal(max, options.EffectiveMaxTokens);
    }

    [Fact]
    public void The_defaults_are_valid_and_a_chunker_refuses_sizes_it_cannot_keep()
    {
        _ = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance);
        var ex = Assert.Throws<ArgumentException>(() => new DocumentChunker(new ChunkingOptions { TargetTokens = 100, MaxTokens = 50 }, ApproximateTokenCounter.Instance));
        Assert.Contains("MaxTokens", ex.Message, StringComparison.Ordinal);
    }
}
