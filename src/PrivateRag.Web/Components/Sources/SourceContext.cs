using PrivateRag.Core.Access;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;

namespace PrivateRag.Web.Components.Sources;

/// <summary>
/// A cited passage in its surrounding text: the chunk before, the cited chunk and the chunk after, merged by their
/// offsets in the document's extracted text, with the cited part (<see cref="Passage"/>) between the two others.
/// </summary>
public sealed partial record SourceContext(
    DocumentInfo Document, string Before, string Passage, string After, int Page, int PageEnd, string? Heading,
    bool MoreBefore, bool MoreAfter)
{
    /// <summary>The cited chunk as the index holds it (with its layout: page starts and word geometry).</summary>
    public IndexedChunk? Chunk { get; init; }

    /// <summary>The cited sentence inside <see cref="Chunk"/> (chunk-relative [start, end)), when the citation names one.</summary>
    public (int Start, int End)? CitedSpan { get; init; }

    /// <summary>Whether the page image can carry marks: the chunk has word geometry.</summary>
    public bool HasGeometry => Chunk?.Layout is { Words.Count: > 0 };

    /// <summary>Marked regions on <paramref name="page"/>: the whole passage (lightly shaded) and the cited sentence.</summary>
    public (IReadOnlyList<PageRegion> Passage, IReadOnlyList<PageRegion> Cited) Regions(int page)
    {
        if (Chunk?.Layout is not { } layout) return ([], []);
        var passage = layout.Regions(0, Chunk.Text.Length).Where(r => r.Page == page).ToList();
        var cited = CitedSpan is { } span ? layout.Regions(span.Start, span.End).Where(r => r.Page == page).ToList() : [];
        return (passage, cited);
    }

    public bool IsPdf => Document.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase)
                         || Document.Name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the original in the browser; PDFs at the cited page.</summary>
    public string OriginalUrl => SourceLinks.Original(Document.Id, IsPdf ? Page : 0);

    /// <summary>
    /// Loads the context of a citation, or null when the document does not exist or the caller may not read it
    /// (a passage of an unreadable collection is "not found"). The chunks are read with the document's own collection
    /// as the only visible one, after the access check.
    /// </summary>
    public static async Task<SourceContext?> LoadAsync(
        DocumentService documents, IChunkIndex index, AccessContext who, Guid documentId, string? chunkId,
        int charStart, int charEnd, string? snippet, CancellationToken ct = default, int? citedAt = null, int? citedEnd = null)
    {
        if (await documents.FindReadableAsync(documentId, who, ct) is not { } document) return null;
        // The caller's reader tokens go into the index query too: a narrowed document is filtered there, not only above.
        var chunks = await index.GetDocumentChunksAsync(documentId, new IndexFilter([document.CollectionId], ReaderTokens.Of(who)), ct);
        if (chunks.Count == 0) return null;

        var at = FindChunk(chunks, chunkId, charStart, charEnd);
        var cited = chunks[at];
        if (charEnd <= charStart) (charStart, charEnd) = (cited.CharStart, cited.CharEnd);
        var first = Math.Max(0, at - 1);
        var last = Math.Min(chunks.Count - 1, at + 1);

        // Chunks may overlap; append only what each adds beyond the text so far. A gap (unusual) shows as an ellipsis.
        // origin maps document offsets to offsets in the merged text; it is taken when the cited chunk is appended.
        var text = new System.Text.StringBuilder();
        var origin = chunks[first].CharStart;
        var citedOrigin = origin;
        var end = origin;
        for (var i = first; i <= last; i++)
        {
            var c = chunks[i];
            if (c.CharStart > end)
            {
                // Small gaps are markup the chunker left out (a heading's "## "); larger ones are marked as omitted.
                var gap = c.CharStart - end <= 16 ? "\n" : " … ";
                text.Append(gap);
                origin += c.CharStart - end - gap.Length;
                end = c.CharStart;
            }
            if (i == at) citedOrigin = origin;
            var skip = Math.Clamp(end - c.CharStart, 0, c.Text.Length);
            text.Append(c.Text.AsSpan(skip));
            end = Math.Max(end, c.CharEnd);
        }
        var merged = text.ToString();

        var start = Math.Clamp(charStart - citedOrigin, 0, merged.Length);
        var stop = Math.Clamp(charEnd - citedOrigin, start, merged.Length);
        // Narrow to the quoted snippet when it is found inside the cited range.
        if (Narrow(merged, start, stop, snippet) is { } narrowed) (start, stop) = narrowed;

        // The page of the cited words (the citation's span when it has one), not the chunk's first page.
        var page = cited.PageAt((citedAt ?? start + citedOrigin) - cited.CharStart);
        (int, int)? span = citedAt is { } at0 && citedEnd is { } at1 && at1 > at0
            ? (Math.Clamp(at0 - cited.CharStart, 0, cited.Text.Length), Math.Clamp(at1 - cited.CharStart, 0, cited.Text.Length))
            : null;
        return new SourceContext(
            document, ForDisplay(merged[..start]), ForDisplay(merged[start..stop]), ForDisplay(merged[stop..]), page, cited.PageEnd, cited.HeadingPath,
            MoreBefore: first > 0, MoreAfter: last < chunks.Count - 1)
        {
            Chunk = cited,
            CitedSpan = span,
        };
    }

    /// <summary>Extracted PDF text often has a blank line after every line; one line break reads better.</summary>
    private static string ForDisplay(string text) => BlankLines().Replace(text, "\n");

    [System.Text.RegularExpressions.GeneratedRegex(@"[ \t]*\n(?:[ \t]*\n)+")]
    private static partial System.Text.RegularExpressions.Regex BlankLines();

    private static int FindChunk(IReadOnlyList<IndexedChunk> chunks, string? chunkId, int charStart, int charEnd)
    {
        if (!string.IsNullOrEmpty(chunkId))
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                if (chunks[i].Id == chunkId) return i;
            }
        }
        var best = 0;
        var bestOverlap = int.MinValue;
        for (var i = 0; i < chunks.Count; i++)
        {
            var overlap = Math.Min(chunks[i].CharEnd, charEnd) - Math.Max(chunks[i].CharStart, charStart);
            if (overlap > bestOverlap)
            {
                bestOverlap = overlap;
                best = i;
            }
        }
        return best;
    }

    private static (int Start, int Stop)? Narrow(string text, int start, int stop, string? snippet)
    {
        var core = snippet?.Trim().Trim('…', '.', ' ').Trim();
        if (string.IsNullOrEmpty(core) || core.Length < 12 || stop <= start) return null;
        var found = text.IndexOf(core, start, stop - start, StringComparison.Ordinal);
        return found < 0 ? null : (found, found + core.Length);
    }
}

/// <summary>Addresses of a document's original bytes.</summary>
public static class SourceLinks
{
    /// <summary>The original, shown by the browser (PDF viewer) when it can; <c>#page=N</c> opens a PDF at that page.</summary>
    public static string Original(Guid documentId, int page) =>
        page > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/api/documents/{documentId}/view#page={page}")
            : $"/api/documents/{documentId}/view";
}
