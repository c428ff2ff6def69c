using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Tests.Indexing;

public sealed class ChunkLayoutTests
{
    private static WordBox Box(int start, int end, int page, double x0, double y0, double x1, double y1, int rotation = 0) =>
        new(start, end, page, rotation, Q(x0), Q(y0), Q(x1), Q(y1));

    private static ushort Q(double f) => (ushort)Math.Round(f * 65535);

    [Fact]
    public void Encodes_and_decodes_to_the_same_layout()
    {
        var layout = new ChunkLayout([new PageStart(0, 2986), new PageStart(40, 2987), new PageStart(900, 2999)],
            [Box(0, 4, 2986, 0.1, 0.8, 0.2, 0.82), Box(905, 911, 2999, 0.3, 0.5, 0.4, 0.52, rotation: 270)]);

        var back = ChunkLayout.Decode(layout.Encode());

        Assert.Equal(layout, back);
        Assert.Equal(layout.Pages, back.Pages);
        Assert.Equal(layout.Words, back.Words);
        Assert.Equal(2986, back.PageAt(0));
        Assert.Equal(2987, back.PageAt(899));
        Assert.Equal(2999, back.PageAt(900));
    }

    [Fact]
    public void Words_next_to_each_other_on_a_line_merge_into_one_region_and_lines_stay_apart()
    {
        var layout = new ChunkLayout([new PageStart(0, 1)],
        [
            Box(0, 3, 1, 0.10, 0.80, 0.14, 0.82), Box(4, 9, 1, 0.15, 0.80, 0.22, 0.82), // line 1
            Box(10, 14, 1, 0.10, 0.77, 0.16, 0.79),                                       // line 2
            Box(15, 20, 1, 0.70, 0.77, 0.76, 0.79),                                       // far right, same line: another cell
        ]);

        var regions = layout.Regions(0, 20);

        Assert.Equal(3, regions.Count);
        Assert.Equal(0.10, regions[0].Left, 3);
        Assert.Equal(0.12, regions[0].Width, 3);
        Assert.Equal(1 - 0.82, regions[0].Top, 3); // y measured from the top of the rendered page
        Assert.Single(layout.Regions(4, 9));
        Assert.Empty(layout.Regions(21, 30));
    }

    [Theory]
    [InlineData(0, 0.1, 0.7, 0.2, 0.1)]
    [InlineData(90, 0.2, 0.1, 0.1, 0.2)]   // clockwise: the unrotated top edge becomes the right edge
    [InlineData(180, 0.7, 0.2, 0.2, 0.1)]
    [InlineData(270, 0.7, 0.7, 0.1, 0.2)]
    public void A_rotated_page_turns_the_rectangle_with_it(int rotation, double left, double top, double width, double height)
    {
        // Unrotated: x 0.1..0.3, y 0.2..0.3 from the bottom (so 0.7..0.8 from the top).
        var layout = new ChunkLayout([new PageStart(0, 1)], [Box(0, 4, 1, 0.1, 0.2, 0.3, 0.3, rotation)]);

        var r = Assert.Single(layout.Regions(0, 4));

        Assert.Equal(left, r.Left, 3);
        Assert.Equal(top, r.Top, 3);
        Assert.Equal(width, r.Width, 3);
        Assert.Equal(height, r.Height, 3);
    }
}

public sealed class CitedSpanTests
{
    [Theory]
    [InlineData("- The flange bolts are tightened to 47 newton metres. [1]\n- Seals are checked. [2]", 1, "The flange bolts")]
    [InlineData("The bolts take 47 newton metres [1]. Seals are checked every six months [2].", 2, "Seals are checked")]
    public void The_claim_of_a_source_is_the_sentence_citing_it(string answer, int n, string expected)
    {
        Assert.Contains(expected, PrivateRag.Core.Answering.CitedSpan.ClaimFor(answer, n), StringComparison.Ordinal);
        Assert.Null(PrivateRag.Core.Answering.CitedSpan.ClaimFor(answer, 3));
    }

    [Fact]
    public void The_cited_span_is_the_passage_sentence_sharing_most_words_with_the_claim()
    {
        const string passage = "Check the seals every six months. The flange bolts are tightened to 47 newton metres. Replace the gasket.";
        var span = PrivateRag.Core.Answering.CitedSpan.Find(passage, "bolts tightened to 47 newton metres")!.Value;
        Assert.Equal("The flange bolts are tightened to 47 newton metres.", passage[span.Start..span.End]);
    }
}
