using System.Net;
using System.Text;
using HtmlAgilityPack;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads HTML with HtmlAgilityPack (a tolerant parser that runs no script and fetches nothing): h1-h6 become headings,
/// p/div/pre/blockquote paragraphs, li list items, tables rows of " | "-joined cells; script, style, template,
/// noscript, svg, head and form controls are dropped. The title is the &lt;title&gt;.
/// </summary>
public sealed class HtmlReader : IDocumentReader
{
    private const string Format = "HTML file";
    private const int MaxDepth = 200;

    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "template", "noscript", "svg", "math", "head", "iframe", "object", "embed", "canvas",
        "select", "option", "button", "input", "textarea", "nav",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre", "address",
        "figure", "figcaption", "dl", "dt", "dd", "ul", "ol", "body", "html", "form", "fieldset", "details", "summary", "hr", "br",
    };

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Html];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var text = TextDecoding.Decode(BlockCollector.ReadAll(content, ct), limits, Format);
        var html = new HtmlDocument { OptionMaxNestedChildNodes = MaxDepth };
        try
        {
            html.LoadHtml(text);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, $"The HTML file could not be parsed: {ex.Message}");
        }
        var walker = new Walker(new BlockCollector(limits, Format), ct);
        walker.Walk(html.DocumentNode, 0);
        walker.FlushParagraph();
        if (walker.Output.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The HTML file has no text.");
        var title = TextNormalizer.Inline(WebUtility.HtmlDecode(html.DocumentNode.SelectSingleNode("//title")?.InnerText));
        return new ExtractedDocument(walker.Output.Blocks, 1, title.Length == 0 ? null : title);
    }

    private sealed class Walker(BlockCollector output, CancellationToken ct)
    {
        private readonly StringBuilder _inline = new();

        public BlockCollector Output { get; } = output;

        public void FlushParagraph()
        {
            Output.Add(1, BlockKind.Paragraph, TextNormalizer.Inline(_inline.ToString()));
            _inline.Clear();
        }

        public void Walk(HtmlNode node, int depth)
        {
            if (depth > MaxDepth) return;
            foreach (var child in node.ChildNodes)
            {
                ct.ThrowIfCancellationRequested();
                switch (child.NodeType)
                {
                    case HtmlNodeType.Text:
                        _inline.Append(WebUtility.HtmlDecode(child.InnerText));
                        continue;
                    case HtmlNodeType.Comment:
                        continue;
                }
                var name = child.Name;
                if (Dropped.Contains(name)) continue;
                if (name.Length == 2 && name[0] is 'h' or 'H' && name[1] is >= '1' and <= '6')
                {
                    FlushParagraph();
                    Output.Add(1, BlockKind.Heading, Text(child), name[1] - '0');
                }
                else if (name.Equals("li", StringComparison.OrdinalIgnoreCase))
                {
                    FlushParagraph();
                    Walk(child, depth + 1); // nested lists become their own items
                    var own = TextNormalizer.Inline(_inline.ToString());
                    _inline.Clear();
                    if (own.Length > 0) Output.Add(1, BlockKind.ListItem, own);
                }
                else if (name.Equals("table", StringComparison.OrdinalIgnoreCase))
                {
                    FlushParagraph();
                    Output.Add(1, BlockKind.Table, TableText(child));
                }
                else if (Blocks.Contains(name))
                {
                    FlushParagraph();
                    Walk(child, depth + 1);
                    FlushParagraph();
                }
                else
                {
                    Walk(child, depth + 1); // inline: span, a, b, em, ...
                }
            }
        }

        private string Text(HtmlNode node)
        {
            var saved = _inline.ToString();
            _inline.Clear();
            Walk(node, 0);
            var text = TextNormalizer.Inline(_inline.ToString());
            _inline.Clear().Append(saved);
            return text;
        }

        private string TableText(HtmlNode table)
        {
            var rows = new List<string>();
            foreach (var row in table.Descendants("tr"))
            {
                if (!ReferenceEquals(Closest(row, "table"), table)) continue; // rows of nested tables belong to them
                var cells = row.ChildNodes.Where(c => c.Name is "td" or "th").Select(Text).ToList();
                if (cells.Any(c => c.Length > 0)) rows.Add(string.Join(" | ", cells));
            }
            return string.Join("\n", rows);
        }

        private static HtmlNode? Closest(HtmlNode node, string name)
        {
            for (var n = node.ParentNode; n is not null; n = n.ParentNode)
                if (n.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return n;
            return null;
        }
    }
}
