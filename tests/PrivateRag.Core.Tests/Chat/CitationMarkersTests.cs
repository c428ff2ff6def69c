using PrivateRag.Core.Answering;

namespace PrivateRag.Core.Tests.Chat;

public sealed class CitationMarkersTests
{
    [Theory]
    [InlineData("A [1]. B [2][3].", new[] { 1, 2, 3 })]
    [InlineData("A [1, 3].", new[] { 1, 3 })]
    [InlineData("No markers, but an array [x] and a year [2024].", new int[0])]
    public void Finds_the_cited_numbers(string answer, int[] expected) =>
        Assert.Equal(expected, CitationMarkers.Find(answer));

    [Fact]
    public void Removes_markers_that_point_at_no_source() =>
        Assert.Equal("A [1]. B . C [2].", CitationMarkers.RemoveUnknown("A [1]. B [7]. C [2, 9].", 2));
}
