using PrivateRag.Core.Documents;

namespace PrivateRag.Ingest.Readers;

/// <summary>Turns the bytes of one file format into text blocks in reading order.</summary>
/// <remarks>
/// Implementations throw <see cref="DocumentRejectedException"/> for every known failure kind (encrypted, corrupt,
/// too large, no text) and <see cref="OperationCanceledException"/> when <c>ct</c> is cancelled; any other exception
/// is a bug. They do not protect against a parser that hangs inside one page or overflows the stack: run untrusted
/// files in a child process with a timeout for that.
/// </remarks>
public interface IDocumentReader
{
    /// <summary>The formats (rows of <see cref="FileFormats"/>) this reader reads; the table says their extensions.</summary>
    IReadOnlyCollection<FileFormat> Formats { get; }

    ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct);

    /// <summary>
    /// Whether the parser is trusted to run inside the worker process even when isolation is on: true only for
    /// simple, linear readers (plain text, CSV) that cannot recurse without bound or hang.
    /// </summary>
    bool SafeInProcess => false;
}

/// <summary>
/// Limits one read must stay within; exceeding one rejects the document as <c>TooLarge</c> with a message naming the
/// configuration key (<c>Ingestion:MaxPages</c>, ...). The decompression limits apply to ZIP packages
/// (DOCX, PPTX, XLSX): the total declared uncompressed size, and the ratio of any entry over 1 MB.
/// </summary>
public sealed record ReadLimits(
    int MaxPages = 5000,
    long MaxExtractedChars = 50_000_000,
    long MaxDecompressedBytes = 1L << 30,
    double MaxCompressionRatio = 100);

public enum BlockKind { Paragraph, Heading, ListItem, Table }

/// <summary>
/// One block of text in reading order. Page is 1-based (for formats without pages, 1).
/// HeadingLevel 1..6 for headings, else 0. Table blocks hold one row per line, cells separated by " | ".
/// <see cref="Geometry"/> (PDF pages with a text layer) says where the block's words are on its page.
/// </summary>
public sealed record ExtractedBlock(int Page, BlockKind Kind, string Text, int HeadingLevel = 0, BlockGeometry? Geometry = null);

/// <summary>
/// Where a block's words are on its page: word i is characters [Offsets[2i], Offsets[2i+1]) of the block's text and
/// lies in Boxes[4i..4i+3] = x0, y0, x1, y1 as 1/65535 of the page's crop box in the PDF's unrotated user space (y up).
/// <see cref="Rotation"/> is the page's /Rotate. Flat arrays keep the extraction child's JSON small.
/// </summary>
public sealed class BlockGeometry(int rotation, int[] offsets, ushort[] boxes) : IEquatable<BlockGeometry>
{
    public int Rotation { get; } = rotation;
    public int[] Offsets { get; } = offsets;
    public ushort[] Boxes { get; } = boxes;

    public int Count => Offsets.Length / 2;

    public bool Equals(BlockGeometry? other) => other is not null && Rotation == other.Rotation
        && Offsets.AsSpan().SequenceEqual(other.Offsets) && Boxes.AsSpan().SequenceEqual(other.Boxes);

    public override bool Equals(object? obj) => Equals(obj as BlockGeometry);

    public override int GetHashCode() => HashCode.Combine(Rotation, Offsets.Length, Boxes.Length);
}

public sealed record ExtractedDocument(IReadOnlyList<ExtractedBlock> Blocks, int PageCount, string? Title = null);
