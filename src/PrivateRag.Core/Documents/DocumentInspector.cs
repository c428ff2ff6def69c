using System.Text;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Text;

namespace PrivateRag.Core.Documents;

/// <summary>One chunk as the index holds it, with what it costs the embedding model.</summary>
public sealed record ChunkView(
    string Id, int Ordinal, int PageStart, int PageEnd, string? HeadingPath, int CharStart, int CharEnd, int Tokens, string Text);

/// <summary>
/// A document as the index sees it: its chunks in reading order and the extracted text rebuilt from them.
/// <see cref="TextGaps"/> counts the places where no chunk covers the text (markup the chunker dropped).
/// </summary>
public sealed record DocumentChunks(DocumentInfo Document, IReadOnlyList<ChunkView> Chunks, string Text, int TextGaps);

/// <summary>
/// What ingestion made of a document, for administrators: reads the chunks back from the index (embedded or Qdrant)
/// under the document's own collection, so nothing of another collection can appear.
/// </summary>
public sealed class DocumentInspector(DocumentService documents, IChunkIndex index, ITokenCounter tokens)
{
    /// <summary>Null when there is no such document.</summary>
    public async Task<DocumentChunks?> GetAsync(Guid documentId, AccessContext who, CancellationToken ct = default)
    {
        if (!who.IsAdmin) throw new ForbiddenException("Only administrators can inspect a document's chunks.");
        if (await documents.FindReadableAsync(documentId, who, ct) is not { } document) return null;
        var chunks = await index.GetDocumentChunksAsync(documentId, IndexFilter.For(document.CollectionId), ct);
        var views = chunks.Select(c => new ChunkView(
            c.Id, c.Ordinal, c.PageStart, c.PageEnd, c.HeadingPath, c.CharStart, c.CharEnd, tokens.Count(c.Text), c.Text)).ToList();
        var (text, gaps) = Rebuild(chunks);
        return new DocumentChunks(document, views, text, gaps);
    }

    /// <summary>
    /// The extracted text from chunks that may overlap (each chunk repeats the end of the one before): each chunk adds
    /// what lies beyond the text so far; an uncovered stretch becomes one line break. The extracted text itself is not
    /// stored, and the chunks are exact slices of it, so this is the text ingestion indexed.
    /// </summary>
    public static (string Text, int Gaps) Rebuild(IReadOnlyList<IndexedChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var text = new StringBuilder();
        var end = -1;
        var gaps = 0;
        foreach (var chunk in chunks.OrderBy(c => c.CharStart).ThenBy(c => c.Ordinal))
        {
            if (end >= 0 && chunk.CharStart > end)
            {
                text.Append('\n');
                gaps++;
                end = chunk.CharStart;
            }
            if (end < 0) end = chunk.CharStart;
            var skip = Math.Clamp(end - chunk.CharStart, 0, chunk.Text.Length);
            text.Append(chunk.Text.AsSpan(skip));
            end = Math.Max(end, chunk.CharEnd);
        }
        return (text.ToString(), gaps);
    }
}
