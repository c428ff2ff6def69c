using PrivateRag.Core.Answering;
using PrivateRag.Testing;

namespace PrivateRag.Core.Tests.Chat;

/// <summary>
/// The answer sanitiser against a prompt-injected model: inline, reference-style, autolink, bare-URL and raw-HTML
/// images and links, long and multi-line labels, nesting, entities, tables; whole, and streamed in pieces split at
/// every position. Nothing that reaches a client may load or link outside the app.
/// </summary>
public sealed class HostileMarkdownTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, HostileMarkdown.Answers.Count)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_whole_hostile_answer_leaves_nothing_that_calls_out(int n)
    {
        var answer = HostileMarkdown.Answers[n];
        Assert.NotNull(HostileMarkdown.Leak(answer)); // the case is hostile to begin with
        var clean = AnswerSanitizer.Sanitize(answer);
        Assert.Null(HostileMarkdown.Leak(clean));
        Assert.Equal(clean, AnswerSanitizer.Sanitize(clean)); // settled: sanitising again changes nothing
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Split_in_two_at_every_position_the_stream_never_calls_out(int n)
    {
        var answer = HostileMarkdown.Answers[n];
        for (var at = 1; at < answer.Length; at++)
        {
            var sanitizer = new StreamingAnswerSanitizer();
            var pieces = new[] { sanitizer.Push(answer[..at]), sanitizer.Push(answer[at..]), sanitizer.Complete() };
            var streamed = string.Concat(pieces);
            Assert.True(HostileMarkdown.Leak(streamed) is null, $"split at {at}: {streamed}");
            // What a client shows while the stream runs: every prefix of what was sent.
            Assert.True(HostileMarkdown.Leak(pieces[0]) is null, $"split at {at}, first piece: {pieces[0]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streamed_one_character_at_a_time_every_prefix_sent_is_clean(int n)
    {
        var answer = HostileMarkdown.Answers[n];
        var sanitizer = new StreamingAnswerSanitizer();
        var sent = "";
        foreach (var c in answer)
        {
            sent += sanitizer.Push(c.ToString());
            Assert.True(HostileMarkdown.Leak(sent) is null, $"after {sent.Length} characters: {sent}");
        }
        sent += sanitizer.Complete();
        Assert.Null(HostileMarkdown.Leak(sent));
    }

    [Fact]
    public void A_label_longer_than_any_fixed_hold_back_is_still_held_until_it_closes()
    {
        var label = new string('a', 5000);
        var sanitizer = new StreamingAnswerSanitizer();
        Assert.Equal("See ", sanitizer.Push("See ![" + label));
        Assert.Equal("", sanitizer.Push(" more words "));
        Assert.Equal(label + " more words  and ", sanitizer.Push($"](https://{HostileMarkdown.Host}/x) and "));
    }

    [Fact]
    public void Labels_are_kept_as_text_and_app_links_stay()
    {
        Assert.Equal("Revenue grew [1]. chart See above.", AnswerSanitizer.Sanitize($"Revenue grew [1]. ![chart](https://{HostileMarkdown.Host}/x?q=secret) See above."));
        Assert.Equal("[the filing](/source/3f2a?page=4) [2]", AnswerSanitizer.Sanitize("[the filing](/source/3f2a?page=4) [2]"));
        Assert.Equal($"bare `https://{HostileMarkdown.Host}/b` shown", AnswerSanitizer.Sanitize($"bare https://{HostileMarkdown.Host}/b shown"));
    }
}
