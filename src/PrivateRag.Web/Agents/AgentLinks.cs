using System.Globalization;
using System.Text;
using PrivateRag.Core.Answering;

namespace PrivateRag.Web.Agents;

/// <summary>
/// Links an agent can hand to a person: the source viewer at the cited passage (the same page the chat's citations
/// open), absolute because the answer is read outside this app. Opening one still needs the person's own sign-in.
/// </summary>
public static class AgentLinks
{
    public static string Source(HttpRequest request, Guid documentId, string? chunkId, int charStart, int charEnd, int page)
    {
        var query = new StringBuilder();
        if (!string.IsNullOrEmpty(chunkId)) query.Append("chunk=").Append(Uri.EscapeDataString(chunkId));
        if (charEnd > charStart)
            query.Append(query.Length > 0 ? "&" : "").Append(CultureInfo.InvariantCulture, $"start={charStart}&end={charEnd}");
        if (page > 0) query.Append(query.Length > 0 ? "&" : "").Append(CultureInfo.InvariantCulture, $"page={page}");
        return $"{Origin(request)}/source/{documentId}" + (query.Length > 0 ? "?" + query : "");
    }

    public static string Source(HttpRequest request, Citation c) => Source(request, c.DocumentId, c.ChunkId, c.CharStart, c.CharEnd, c.Page);

    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>"p. 3" or "pp. 3-4"; nothing for formats without pages.</summary>
    public static string Pages(int page, int pageEnd) =>
        page <= 0 ? "" : pageEnd > page ? string.Create(CultureInfo.InvariantCulture, $"pp. {page}-{pageEnd}") : string.Create(CultureInfo.InvariantCulture, $"p. {page}");

    /// <summary>
    /// The numbered references under an answer, as a Markdown list: <c>- [1] [handbook.pdf, p. 3](https://…/source/…)</c>,
    /// so the answer's <c>[n]</c> markers can be followed in any Markdown client.
    /// </summary>
    public static string MarkdownReferences(HttpRequest request, IReadOnlyList<Citation> citations)
    {
        if (citations.Count == 0) return "";
        var text = new StringBuilder("\n\nSources:\n");
        foreach (var c in citations)
        {
            var pages = Pages(c.Page, c.PageEnd);
            var label = EscapeLabel(c.DocumentName) + (pages.Length > 0 ? ", " + pages : "");
            text.Append(CultureInfo.InvariantCulture, $"\n- [{c.N}] [{label}]({Source(request, c)})");
            if (!c.Cited) text.Append(" (nearest passage, not cited)");
            else if (!c.Verified) text.Append(" (unverified)");
        }
        return text.ToString().TrimEnd() + "\n";
    }

    /// <summary>A document name cannot close the link label or start markup of its own.</summary>
    private static string EscapeLabel(string name) =>
        new(name.Select(ch => ch is '[' or ']' or '(' or ')' or '<' or '>' or '*' or '_' or '`' or '!' ? ' ' : ch).ToArray());
}
