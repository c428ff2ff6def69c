using System.Buffers.Binary;

namespace PrivateRag.Core.Indexing;

/// <summary>Where a page starts inside a chunk's text: from <see cref="Offset"/> on (chunk-relative), the text is on <see cref="Page"/>.</summary>
public readonly record struct PageStart(int Offset, int Page);

/// <summary>
/// Where one word of a chunk's text is: characters [Start, End) of the chunk's text, on <see cref="Page"/>, inside the
/// rectangle X0..X1, Y0..Y1 given as fractions of the page's crop box in the PDF's own (unrotated) user space, y
/// measured from the bottom, quantised to 1/65535. <see cref="Rotation"/> is the page's /Rotate (0, 90, 180, 270),
/// which a viewer applies to show the rectangle on the page as rendered.
/// </summary>
public readonly record struct WordBox(int Start, int End, int Page, int Rotation, ushort X0, ushort Y0, ushort X1, ushort Y1);

/// <summary>
/// One marked region for a span of text: a run of words on one line of one page, as fractions (0..1) of the page as
/// rendered (rotation applied, y from the top), ready to be drawn over a page image.
/// </summary>
public readonly record struct PageRegion(int Page, double Left, double Top, double Width, double Height);

/// <summary>
/// The layout of a chunk: where each page starts in its text (every chunk), and where its words are on the page
/// (PDF pages with a text layer). Stored with the chunk as one small blob (<see cref="Encode"/>): varint offsets and
/// 16-bit quantised coordinates, about 10 bytes per word, so the geometry stays within about twice the text's own size.
/// Value equality on the encoded bytes, so chunks read back compare equal to the ones written.
/// </summary>
public sealed class ChunkLayout : IEquatable<ChunkLayout>
{
    private const byte Version = 1;
    private readonly byte[] _encoded;

    public ChunkLayout(IReadOnlyList<PageStart> pages, IReadOnlyList<WordBox> words)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(words);
        Pages = pages;
        Words = words;
        _encoded = EncodeCore(pages, words);
    }

    /// <summary>Page starts in increasing offset order; the first is at offset 0.</summary>
    public IReadOnlyList<PageStart> Pages { get; }

    /// <summary>Word rectangles in increasing <see cref="WordBox.Start"/> order; empty when the chunk has no geometry.</summary>
    public IReadOnlyList<WordBox> Words { get; }

    /// <summary>The page the character at <paramref name="offset"/> (chunk-relative) is on; null when no page starts are known.</summary>
    public int? PageAt(int offset)
    {
        if (Pages.Count == 0) return null;
        var page = Pages[0].Page;
        foreach (var p in Pages)
        {
            if (p.Offset > offset) break;
            page = p.Page;
        }
        return page;
    }

    /// <summary>
    /// The words overlapping characters [start, end) of the chunk's text, merged into one region per run of words that
    /// sit next to each other on the same line (text order), as rendered-page fractions.
    /// </summary>
    public IReadOnlyList<PageRegion> Regions(int start, int end)
    {
        var result = new List<PageRegion>();
        WordBox? runFirst = null;
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        foreach (var w in Words)
        {
            if (w.End <= start || w.Start >= end) continue;
            double wx0 = w.X0 / 65535.0, wy0 = w.Y0 / 65535.0, wx1 = w.X1 / 65535.0, wy1 = w.Y1 / 65535.0;
            if (runFirst is { } first && first.Page == w.Page && SameLine(y0, y1, wy0, wy1) && wx0 >= x0 - (y1 - y0) && wx0 - x1 < 2.5 * Math.Max(y1 - y0, wy1 - wy0))
            {
                x0 = Math.Min(x0, wx0); x1 = Math.Max(x1, wx1); y0 = Math.Min(y0, wy0); y1 = Math.Max(y1, wy1);
                continue;
            }
            if (runFirst is { } done) result.Add(ToRegion(done, x0, y0, x1, y1));
            runFirst = w;
            (x0, y0, x1, y1) = (wx0, wy0, wx1, wy1);
        }
        if (runFirst is { } last) result.Add(ToRegion(last, x0, y0, x1, y1));
        return result;
    }

    private static bool SameLine(double a0, double a1, double b0, double b1)
    {
        var overlap = Math.Min(a1, b1) - Math.Max(a0, b0);
        return overlap > 0.5 * Math.Min(a1 - a0, b1 - b0);
    }

    /// <summary>Unrotated fractions (y up) to fractions of the page as displayed (rotated clockwise by /Rotate, y down).</summary>
    private static PageRegion ToRegion(WordBox w, double x0, double y0, double x1, double y1)
    {
        // Top-left origin first: (u, v) with v = 1 - y.
        double u0 = x0, u1 = x1, v0 = 1 - y1, v1 = 1 - y0;
        (double l, double t, double r, double b) = ((w.Rotation % 360 + 360) % 360) switch
        {
            90 => (1 - v1, u0, 1 - v0, u1),
            180 => (1 - u1, 1 - v1, 1 - u0, 1 - v0),
            270 => (v0, 1 - u1, v1, 1 - u0),
            _ => (u0, v0, u1, v1),
        };
        return new PageRegion(w.Page, l, t, r - l, b - t);
    }

    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>Size of the stored form in bytes.</summary>
    public int EncodedLength => _encoded.Length;

    public static ChunkLayout Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || data[0] != Version) throw new FormatException("Unknown chunk layout version.");
        var pos = 1;
        var pageCount = (int)ReadVarint(data, ref pos);
        var pages = new PageStart[pageCount];
        int offset = 0, page = 0;
        for (var i = 0; i < pageCount; i++)
        {
            offset += (int)ReadVarint(data, ref pos);
            page += Unzig(ReadVarint(data, ref pos));
            pages[i] = new PageStart(offset, page);
        }
        var wordCount = (int)ReadVarint(data, ref pos);
        var words = new WordBox[wordCount];
        int start = 0, wordPage = 0, rotation = 0;
        for (var i = 0; i < wordCount; i++)
        {
            var head = ReadVarint(data, ref pos); // start delta << 1 | page-or-rotation-changed
            start += (int)(head >> 1);
            if ((head & 1) != 0)
            {
                wordPage += Unzig(ReadVarint(data, ref pos));
                rotation = (int)ReadVarint(data, ref pos) * 90;
            }
            var length = (int)ReadVarint(data, ref pos);
            var box = data.Slice(pos, 8);
            pos += 8;
            words[i] = new WordBox(start, start + length, wordPage, rotation,
                BinaryPrimitives.ReadUInt16LittleEndian(box), BinaryPrimitives.ReadUInt16LittleEndian(box[2..]),
                BinaryPrimitives.ReadUInt16LittleEndian(box[4..]), BinaryPrimitives.ReadUInt16LittleEndian(box[6..]));
        }
        return new ChunkLayout(pages, words);
    }

    private static byte[] EncodeCore(IReadOnlyList<PageStart> pages, IReadOnlyList<WordBox> words)
    {
        var buffer = new List<byte>(8 + pages.Count * 4 + words.Count * 11) { Version };
        WriteVarint(buffer, (ulong)pages.Count);
        int offset = 0, page = 0;
        foreach (var p in pages)
        {
            if (p.Offset < offset) throw new ArgumentException("Page starts must be in increasing offset order.", nameof(pages));
            WriteVarint(buffer, (ulong)(p.Offset - offset));
            WriteVarint(buffer, Zig(p.Page - page));
            (offset, page) = (p.Offset, p.Page);
        }
        WriteVarint(buffer, (ulong)words.Count);
        int start = 0, wordPage = 0, rotation = 0;
        Span<byte> box = stackalloc byte[8];
        foreach (var w in words)
        {
            if (w.Start < start || w.End < w.Start) throw new ArgumentException("Words must be in increasing start order.", nameof(words));
            var changed = w.Page != wordPage || w.Rotation != rotation;
            WriteVarint(buffer, ((ulong)(w.Start - start) << 1) | (changed ? 1UL : 0UL));
            if (changed)
            {
                WriteVarint(buffer, Zig(w.Page - wordPage));
                WriteVarint(buffer, (ulong)(((w.Rotation % 360 + 360) % 360) / 90));
            }
            WriteVarint(buffer, (ulong)(w.End - w.Start));
            BinaryPrimitives.WriteUInt16LittleEndian(box, w.X0);
            BinaryPrimitives.WriteUInt16LittleEndian(box[2..], w.Y0);
            BinaryPrimitives.WriteUInt16LittleEndian(box[4..], w.X1);
            BinaryPrimitives.WriteUInt16LittleEndian(box[6..], w.Y1);
            foreach (var b in box) buffer.Add(b);
            (start, wordPage, rotation) = (w.Start, w.Page, ((w.Rotation % 360 + 360) % 360) / 90 * 90);
        }
        return [.. buffer];
    }

    private static ulong Zig(int v) => (ulong)(uint)((v << 1) ^ (v >> 31));
    private static int Unzig(ulong v) => (int)((uint)(v >> 1) ^ (uint)-(int)(v & 1));

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            if (pos >= data.Length || shift > 63) throw new FormatException("Truncated chunk layout.");
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
            shift += 7;
        }
    }

    public bool Equals(ChunkLayout? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    public override bool Equals(object? obj) => Equals(obj as ChunkLayout);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_encoded);
        return hash.ToHashCode();
    }
}
