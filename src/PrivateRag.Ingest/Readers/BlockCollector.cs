using System.Globalization;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>Accumulates non-empty blocks and enforces <see cref="ReadLimits.MaxExtractedChars"/>.</summary>
internal sealed class BlockCollector(ReadLimits limits, string format)
{
    private readonly List<ExtractedBlock> _blocks = [];
    private long _chars;

    public IReadOnlyList<ExtractedBlock> Blocks => _blocks;

    public ReadLimits Limits => limits;

    public long Characters => _chars;

    /// <summary>Adds the block when its text is not empty (text must already be normalized).</summary>
    public void Add(int page, BlockKind kind, string text, int headingLevel = 0, BlockGeometry? geometry = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        _chars += text.Length;
        if (_chars > limits.MaxExtractedChars)
        {
            throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The {format} has more than {limits.MaxExtractedChars:N0} characters of text (the limit for one document, Ingestion:MaxExtractedChars)."));
        }
        if (kind != BlockKind.Heading) headingLevel = 0;
        else headingLevel = Math.Clamp(headingLevel, 1, 6);
        _blocks.Add(new ExtractedBlock(page, kind, text, headingLevel, geometry));
    }

    /// <summary>Rejects as too large before reading when the input alone exceeds the character limit.</summary>
    public static void CheckInputLength(long chars, ReadLimits limits, string format)
    {
        if (chars > limits.MaxExtractedChars)
        {
            throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The {format} has more than {limits.MaxExtractedChars:N0} characters of text (the limit for one document, Ingestion:MaxExtractedChars)."));
        }
    }

    public static byte[] ReadAll(Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content is MemoryStream ms && ms.TryGetBuffer(out var segment) && segment.Offset == 0 && ms.Position == 0
            && segment.Count == segment.Array!.Length)
        {
            return segment.Array;
        }
        var remaining = content.CanSeek ? Math.Max(0, content.Length - content.Position) : 0;
        if (remaining > Array.MaxLength)
        {
            throw new DocumentRejectedException(RejectReason.TooLarge, "The file is larger than 2 GB.");
        }
        using var copy = new MemoryStream((int)remaining);
        var buffer = new byte[81920];
        int read;
        while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }
}
