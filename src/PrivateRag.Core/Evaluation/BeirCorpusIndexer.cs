using System.Security.Cryptography;
using System.Text;
using PrivateRag.Core.Indexing;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// Writes a BEIR corpus straight into a chunk index, one passage per record (the title as the heading and the
/// first line of the text, the record's <c>_id</c> as the document name), so retrieval can be measured without
/// running the ingestion pipeline. Document ids are derived from the collection and <c>_id</c>, so loading again
/// replaces instead of duplicating.
/// </summary>
public static class BeirCorpusIndexer
{
    public static async Task<int> IndexAsync(IChunkIndex index, Guid collectionId, IAsyncEnumerable<BeirDocument> corpus,
        Func<BeirDocument, float[]?>? embed = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(corpus);
        var count = 0;
        await foreach (var record in corpus.WithCancellation(ct))
        {
            var documentId = DocumentIdFor(collectionId, record.Id);
            await index.ReplaceDocumentAsync(documentId, [ToChunk(record, documentId, collectionId, embed?.Invoke(record))], ct);
            count++;
        }
        return count;
    }

    public static IndexedChunk ToChunk(BeirDocument record, Guid documentId, Guid collectionId, float[]? vector = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var title = record.Title.Trim();
        var text = title.Length == 0 ? record.Text : title + "\n\n" + record.Text;
        return new IndexedChunk(IndexedChunk.MakeId(documentId, 0), documentId, collectionId, record.Id, 0, 1, 1,
            title.Length == 0 ? null : title, 0, text.Length, text, vector);
    }

    /// <summary>A stable id for a record of a collection (name-based, from SHA-256).</summary>
    public static Guid DocumentIdFor(Guid collectionId, string recordId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(collectionId.ToString("N") + "/" + recordId), hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5-style marker
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
