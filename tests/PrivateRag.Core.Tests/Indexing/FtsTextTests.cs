using PrivateRag.Core.Indexing.Embedded;

namespace PrivateRag.Core.Tests.Indexing;

public sealed class FtsTextTests
{
    [Fact]
    public void A_query_becomes_quoted_terms_joined_by_or()
    {
        Assert.Equal("\"solar\" OR \"panels\" OR \"2024\"", FtsText.ToMatchExpression("Solar panels (2024)?"));
    }

    [Theory]
    [InlineData("\"AND OR NEAR( *", "\"near\"")]
    [InlineData("title: x* ^y", "\"title\" OR \"x\" OR \"y\"")]
    [InlineData("what is the", "\"what\" OR \"is\" OR \"the\"")]
    public void Fts_operators_and_punctuation_cannot_reach_the_match_expression(string query, string expected)
    {
        Assert.Equal(expected, FtsText.ToMatchExpression(query));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("*()\"")]
    public void A_query_without_terms_has_no_match_expression(string query)
    {
        Assert.Null(FtsText.ToMatchExpression(query));
    }

    [Fact]
    public void Stopwords_are_dropped_when_other_terms_remain()
    {
        Assert.Equal(["capital", "france"], FtsText.QueryTerms("What is the capital of France?"));
    }

    [Fact]
    public void Cjk_runs_are_indexed_and_queried_as_bigrams()
    {
        Assert.Equal(" 私は は東 東京 京都 都に に住 住ん んで でい いま ます 。", FtsText.ForIndex("私は東京都に住んでいます。"));
        Assert.Equal(["東京", "京都"], FtsText.QueryTerms("東京都"));
        Assert.Equal(["東"], FtsText.QueryTerms("東"));
        Assert.Equal(["iphone", "用"], FtsText.QueryTerms("iPhone用"));
    }

    [Fact]
    public void Text_without_cjk_is_indexed_as_it_is()
    {
        const string text = "Plain English text, with punctuation.";
        Assert.Same(text, FtsText.ForIndex(text));
    }

    [Fact]
    public void Decomposed_accents_are_composed_before_tokenizing()
    {
        Assert.Equal(["café"], FtsText.QueryTerms("cafe\u0301"));
    }

    [Fact]
    public void Long_queries_are_capped()
    {
        var query = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"word{i}"));
        Assert.Equal(FtsText.MaxQueryTerms, FtsText.QueryTerms(query).Count);
    }
}
