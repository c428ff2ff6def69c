using System.Globalization;
using Markdig;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PrivateRag.Web.Components.Shared;

/// <summary>
/// Renders an answer (model output, so untrusted) as HTML that is safe to inject: raw HTML is not parsed but shown as
/// text, links and images that leave the app are reduced to their text, and <c>[n]</c> citation markers become buttons
/// carrying <c>data-cite="n"</c>.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseListExtras()
        .UseTaskLists()
        .DisableHtml()
        .Use<CitationMarkerExtension>()
        .Build();

    /// <param name="markdown">The text to render.</param>
    /// <param name="citations">Numbers that may become citation buttons; null allows every number, others stay plain text.</param>
    public static string ToHtml(string? markdown, IReadOnlySet<int>? citations = null)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        var document = Markdown.Parse(markdown, Pipeline);
        Sanitise(document, citations);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    private static void Sanitise(MarkdownDocument document, IReadOnlySet<int>? citations)
    {
        // Materialise first: the tree is changed while walking it.
        foreach (var inline in document.Descendants<Inline>().ToList())
        {
            switch (inline)
            {
                case LinkInline link when !UrlSafety.IsAppRelative(link.Url):
                    Unwrap(link);
                    break;
                case LinkInline link:
                    link.Title = null;
                    break;
                case AutolinkInline autolink:
                    autolink.ReplaceBy(new LiteralInline(autolink.Url));
                    break;
                case CitationMarkerInline marker when citations is not null && !citations.Contains(marker.Number):
                    marker.ReplaceBy(new LiteralInline($"[{marker.Number}]"));
                    break;
            }
        }
    }

    /// <summary>Keeps a link's or image's text (alt text) in its place and drops the link itself.</summary>
    private static void Unwrap(LinkInline link)
    {
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            link.InsertBefore(child);
            child = next;
        }
        link.Remove();
    }
}

/// <summary>A <c>[n]</c> reference to the n-th source of an answer.</summary>
public sealed class CitationMarkerInline : LeafInline
{
    public int Number { get; init; }
}

/// <summary>Parses <c>[12]</c> (1 to 3 digits) before the link parser sees it; <c>[1](url)</c> stays a link.</summary>
internal sealed class CitationMarkerParser : InlineParser
{
    public CitationMarkerParser() => OpeningCharacters = ['['];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        var i = 1;
        var number = 0;
        while (i <= 3 && slice.PeekChar(i) is >= '0' and <= '9')
        {
            number = number * 10 + (slice.PeekChar(i) - '0');
            i++;
        }
        if (i == 1 || i > 4 || slice.PeekChar(i) != ']' || number == 0) return false;
        if (slice.PeekChar(i + 1) == '(') return false; // [1](url) is a link

        var start = processor.GetSourcePosition(slice.Start, out var line, out var column);
        processor.Inline = new CitationMarkerInline
        {
            Number = number,
            Span = new SourceSpan(start, start + i),
            Line = line,
            Column = column,
        };
        slice.Start += i + 1;
        return true;
    }
}

internal sealed class CitationMarkerRenderer : HtmlObjectRenderer<CitationMarkerInline>
{
    protected override void Write(HtmlRenderer renderer, CitationMarkerInline obj)
    {
        var n = obj.Number.ToString(CultureInfo.InvariantCulture);
        renderer.Write("<button type=\"button\" class=\"cite-ref\" data-cite=\"").Write(n)
            .Write("\" aria-label=\"Source ").Write(n).Write("\">").Write(n).Write("</button>");
    }
}

internal sealed class CitationMarkerExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.InlineParsers.Contains<CitationMarkerParser>())
            pipeline.InlineParsers.InsertBefore<LinkInlineParser>(new CitationMarkerParser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html && !html.ObjectRenderers.Contains<CitationMarkerRenderer>())
            html.ObjectRenderers.Insert(0, new CitationMarkerRenderer());
    }
}
