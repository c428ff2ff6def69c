using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads Markdown with Markdig (pipe and grid tables, YAML front matter skipped): headings with their levels,
/// paragraphs, list items, tables (one row per line, cells separated by " | "), code blocks as paragraphs that keep
/// their line breaks. The text carries no markup syntax: emphasis, links and inline code are reduced to their text.
/// </summary>
public sealed class MarkdownReader : IDocumentReader
{
    private const string Format = "Markdown file";
    private const int MaxDepth = 64;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder
    {
        MaximumNestingDepth = MaxDepth,
    }.UsePipeTables().UseGridTables().UseYamlFrontMatter().Build();

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Markdown];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var text = TextDecoding.Decode(BlockCollector.ReadAll(content, ct), limits, Format);
        ct.ThrowIfCancellationRequested();
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(text, Pipeline);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, $"The Markdown could not be parsed ({ex.GetType().Name}): {ex.Message}");
        }
        var collector = new BlockCollector(limits, Format);
        string? title = null;
        Walk(document, collector, ref title, 0, ct);
        if (collector.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The Markdown file has no text.");
        return new ExtractedDocument(collector.Blocks, 1, title);
    }

    private static void Walk(ContainerBlock container, BlockCollector output, ref string? title, int depth, CancellationToken ct)
    {
        foreach (var block in container)
        {
            ct.ThrowIfCancellationRequested();
            switch (block)
            {
                case HeadingBlock heading:
                    var headingText = TextNormalizer.Inline(InlineText(heading.Inline));
                    if (heading.Level == 1 && title is null && headingText.Length > 0) title = headingText;
                    output.Add(1, BlockKind.Heading, headingText, Math.Clamp(heading.Level, 1, 6));
                    break;
                case ParagraphBlock paragraph:
                    output.Add(1, BlockKind.Paragraph, TextNormalizer.Inline(InlineText(paragraph.Inline)));
                    break;
                case Markdig.Extensions.Yaml.YamlFrontMatterBlock:
                    break;
                case CodeBlock code: // fenced and indented
                    output.Add(1, BlockKind.Paragraph, TextNormalizer.Multiline(code.Lines.ToString()));
                    break;
                case HtmlBlock html:
                    output.Add(1, BlockKind.Paragraph, TextNormalizer.Inline(StripTags(html.Lines.ToString())));
                    break;
                case Table table:
                    output.Add(1, BlockKind.Table, TableText(table));
                    break;
                case ListBlock list:
                    if (depth < MaxDepth) WalkList(list, output, ref title, depth + 1, ct);
                    break;
                case ContainerBlock other: // quotes, custom containers, footnote groups
                    if (depth < MaxDepth) Walk(other, output, ref title, depth + 1, ct);
                    break;
                case LeafBlock leaf:
                    WalkLeaf(leaf, output);
                    break;
            }
        }
    }

    /// <summary>Leaf blocks that are not handled above (front matter, link definitions, thematic breaks) carry no prose.</summary>
    private static void WalkLeaf(LeafBlock leaf, BlockCollector output)
    {
        switch (leaf)
        {
            case ParagraphBlock p:
                output.Add(1, BlockKind.Paragraph, TextNormalizer.Inline(InlineText(p.Inline)));
                break;
            case Markdig.Extensions.Yaml.YamlFrontMatterBlock:
                break;
            case CodeBlock code:
                output.Add(1, BlockKind.Paragraph, TextNormalizer.Multiline(code.Lines.ToString()));
                break;
            case HeadingBlock h:
                output.Add(1, BlockKind.Heading, TextNormalizer.Inline(InlineText(h.Inline)), Math.Clamp(h.Level, 1, 6));
                break;
        }
    }

    private static void WalkList(ListBlock list, BlockCollector output, ref string? title, int depth, CancellationToken ct)
    {
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var first = true;
            foreach (var inner in item)
            {
                ct.ThrowIfCancellationRequested();
                if (first && inner is ParagraphBlock p)
                {
                    output.Add(1, BlockKind.ListItem, TextNormalizer.Inline(InlineText(p.Inline)));
                }
                else if (inner is ListBlock nested)
                {
                    if (depth < MaxDepth) WalkList(nested, output, ref title, depth + 1, ct);
                }
                else if (inner is ContainerBlock container)
                {
                    if (depth < MaxDepth) Walk(container, output, ref title, depth + 1, ct);
                }
                else if (inner is LeafBlock leaf)
                {
                    WalkLeaf(leaf, output);
                }
                first = false;
            }
        }
    }

    private static string TableText(Table table)
    {
        var rows = new List<string>();
        foreach (var row in table.OfType<TableRow>())
        {
            var cells = row.OfType<TableCell>().Select(cell =>
            {
                var sb = new StringBuilder();
                foreach (var inner in cell)
                {
                    if (inner is LeafBlock leaf)
                    {
                        if (sb.Length > 0) sb.Append(' ');
                        sb.Append(leaf.Inline is not null ? InlineText(leaf.Inline) : leaf.Lines.ToString());
                    }
                }
                return TextNormalizer.Inline(sb.ToString());
            }).ToList();
            if (cells.All(c => c.Length == 0)) continue;
            rows.Add(string.Join(" | ", cells));
        }
        return string.Join("\n", rows);
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null) return "";
        var sb = new StringBuilder();
        AppendInline(inline, sb, 0);
        return sb.ToString();
    }

    private static void AppendInline(Inline inline, StringBuilder sb, int depth)
    {
        switch (inline)
        {
            case LiteralInline literal:
                sb.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                sb.Append(code.Content);
                break;
            case AutolinkInline auto:
                sb.Append(auto.Url);
                break;
            case HtmlEntityInline entity:
                sb.Append(entity.Transcoded.ToString());
                break;
            case LineBreakInline:
                sb.Append(' ');
                break;
            case HtmlInline:
                break;
            case ContainerInline container: // emphasis, links (their text), images (alt text), delimiters
                if (depth >= MaxDepth) break;
                foreach (var child in container)
                {
                    AppendInline(child, sb, depth + 1);
                }
                break;
        }
    }

    private static string StripTags(string html)
    {
        var sb = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<') { inTag = true; continue; }
            if (c == '>' && inTag) { inTag = false; sb.Append(' '); continue; }
            if (!inTag) sb.Append(c);
        }
        return System.Net.WebUtility.HtmlDecode(sb.ToString());
    }
}
