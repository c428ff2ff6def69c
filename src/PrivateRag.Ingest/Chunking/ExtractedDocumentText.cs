using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// The canonical full text of an extracted document: block texts joined by "\n\n". Chunk offsets point into it, so
/// a source viewer that rebuilds it from the same blocks can highlight exactly the passage a chunk came from.
/// </summary>
public sealed class ExtractedDocumentText
{
    public const string BlockSeparator = "\n\n";

    private ExtractedDocumentText(string text, int[] starts)
    {
        Text = text;
        BlockStarts = starts;
    }

    public string Text { get; }

    /// <summary>Offset in <see cref="Text"/> where each block (same index as in the document) starts.</summary>
    public IReadOnlyList<int> BlockStarts { get; }

    public static ExtractedDocumentText Build(ExtractedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var blocks = document.Blocks;
        var starts = new int[blocks.Count];
        long length = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i > 0) length += BlockSeparator.Length;
            length += blocks[i].Text.Length;
        }
        if (length > Array.MaxLength) throw new ArgumentException("The document's text is longer than a string can be.", nameof(document));
        var text = string.Create((int)length, blocks, (span, state) =>
        {
            var pos = 0;
            for (var i = 0; i < state.Count; i++)
            {
                if (i > 0)
                {
                    BlockSeparator.AsSpan().CopyTo(span[pos..]);
                    pos += BlockSeparator.Length;
                }
                state[i].Text.AsSpan().CopyTo(span[pos..]);
                pos += state[i].Text.Length;
            }
        });
        var offset = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i > 0) offset += BlockSeparator.Length;
            starts[i] = offset;
            offset += blocks[i].Text.Length;
        }
        return new ExtractedDocumentText(text, starts);
    }
}
