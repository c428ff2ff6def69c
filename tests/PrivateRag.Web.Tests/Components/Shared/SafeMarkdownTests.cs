using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Tests.Components;

public sealed class SafeMarkdownTests
{
    [Fact]
    public void Raw_html_is_shown_as_text_not_run()
    {
        var html = SafeMarkdown.ToHtml("Hi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<div onclick=\"x()\">block</div>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<div", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("![tracker](https://evil.example/pixel.png)")]
    [InlineData("![x](//evil.example/pixel.png)")]
    [InlineData("![x](data:image/png;base64,AAAA)")]
    public void External_images_are_removed(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[click here](https://evil.example/phish)")]
    [InlineData("[click here](//evil.example/phish)")]
    [InlineData("[click here](javascript:alert(1))")]
    [InlineData("[click here](JaVaScRiPt&#58;alert(1))")]
    [InlineData("[click here](/\\evil.example)")]
    [InlineData("[click here][r]\n\n[r]: https://evil.example/phish")]
    [InlineData("<https://evil.example/phish> click here")]
    public void External_links_keep_their_text_but_lose_the_link(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("click here", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[the handbook](/documents/handbook)", "href=\"/documents/handbook\"")]
    [InlineData("[section 2](docs/guide.md#section-2)", "href=\"docs/guide.md#section-2\"")]
    [InlineData("[top](#top)", "href=\"#top\"")]
    public void Relative_links_are_kept(string markdown, string expected)
    {
        Assert.Contains(expected, SafeMarkdown.ToHtml(markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_images_are_kept()
    {
        Assert.Contains("<img src=\"/api/documents/1/page.png\"", SafeMarkdown.ToHtml("![page](/api/documents/1/page.png)"), StringComparison.Ordinal);
    }

    [Fact]
    public void Citation_markers_become_buttons_for_known_sources_only()
    {
        var html = SafeMarkdown.ToHtml("Refunds take 30 days [1][2]. See also [7] and `[1]` in code.", new HashSet<int> { 1, 2 });

        Assert.Contains("data-cite=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-cite=\"2\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-cite=\"7\"", html, StringComparison.Ordinal);
        Assert.Contains("[7]", html, StringComparison.Ordinal);
        Assert.Contains("<code>[1]</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_in_brackets_followed_by_a_url_is_a_link_not_a_marker()
    {
        var html = SafeMarkdown.ToHtml("[1](/documents/1)");

        Assert.Contains("href=\"/documents/1\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-cite", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_markdown_still_renders()
    {
        var html = SafeMarkdown.ToHtml("**Bold** and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<strong>Bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_text_renders_nothing()
    {
        Assert.Equal("", SafeMarkdown.ToHtml(null));
        Assert.Equal("", SafeMarkdown.ToHtml("   "));
    }
}

public sealed class UrlSafetyTests
{
    [Theory]
    [InlineData("/", true)]
    [InlineData("/admin/collections?x=1#y", true)]
    [InlineData("https://evil.example/", false)]
    [InlineData("//evil.example/", false)]
    [InlineData("/\\evil.example/", false)]
    [InlineData("\\\\evil.example", false)]
    [InlineData("/\t/evil.example", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("admin", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_local_paths_are_redirect_targets(string? url, bool local)
    {
        Assert.Equal(local, UrlSafety.IsLocalRedirect(url));
        Assert.Equal(local ? url : "/", UrlSafety.LocalRedirectOrHome(url));
    }
}
