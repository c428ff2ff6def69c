using LLama;
using PrivateRag.Inference.Local;

namespace PrivateRag.Inference.Tests;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Text_without_stop_strings_passes_through_once_flushed()
    {
        var matcher = new StopSequenceMatcher(["<|im_end|>"]);
        var emitted = matcher.Append("Hello <") + matcher.Append("b>world") + matcher.Flush();
        Assert.Equal("Hello <b>world", emitted);
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void A_stop_string_split_across_tokens_is_never_emitted()
    {
        var matcher = new StopSequenceMatcher(["<|im_end|>", "User:"]);
        var emitted = string.Concat(new[] { "The answer", " is 4.<|im", "_en", "d|>more" }.Select(matcher.Append)) + matcher.Flush();
        Assert.Equal("The answer is 4.", emitted);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Append("anything"));
    }

    [Fact]
    public void The_earliest_stop_string_wins()
    {
        var matcher = new StopSequenceMatcher(["END", "User:"]);
        Assert.Equal("a ", matcher.Append("a User: b END"));
    }
}

public sealed class ChatTemplateTests
{
    [Fact]
    public void A_known_gguf_template_is_applied_by_llama_cpp()
    {
        // The ChatML template as shipped in Qwen/Hermes GGUF metadata.
        var template = new LLamaTemplate("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
        {
            AddAssistant = true,
        };
        template.Add("user", "Hi €");

        var prompt = LLamaTemplate.Encoding.GetString(template.Apply());

        Assert.Equal("<|im_start|>user\nHi €<|im_end|>\n<|im_start|>assistant\n", prompt);
    }
}
