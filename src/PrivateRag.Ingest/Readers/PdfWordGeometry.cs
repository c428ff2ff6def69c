using System.Globalization;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Maps the words of a block's final text (after layout, normalisation and Arabic reordering) back to the PdfPig
/// words it was built from. The layout keeps the words' order but joins, trims and merges them ("$" + "1,234" is one
/// table cell), so each whitespace-separated token of the text is matched to the next run of words whose letters and
/// digits spell it, looking a few words ahead; tokens without letters or digits ("|", "$") get no box. Boxes are the
/// words' axis-aligned bounds (rotated text included) as fractions of the crop box, quantised to 16 bits. Rotated
/// pages (/Rotate) get none, see <see cref="Align"/>.
/// </summary>
internal static class PdfWordGeometry
{
    /// <summary>How many unmatched source words may be skipped to find a token (a dropped symbol, a reordered cell).</summary>
    private const int Lookahead = 12;

    public static BlockGeometry? Align(string text, IReadOnlyList<Word>? words, Page page)
    {
        if (words is null || words.Count == 0 || text.Length == 0) return null;
        // On a page with /Rotate, PdfPig 0.1.16's word positions are offset from the unrotated crop box (measured on a
        // /Rotate 90 page against poppler: shifted by the height-width difference), so rectangles would mark the wrong
        // place. Such pages get no geometry: their citations open with the page image unmarked and the text view.
        if (page.Rotation.Value % 360 != 0) return null;
        var crop = page.CropBox.Bounds;
        if (crop.Width <= 0 || crop.Height <= 0) return null;
        var keys = words.Select(w => Key(w.Text)).ToArray();
        var offsets = new List<int>();
        var boxes = new List<ushort>();
        var next = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            if (i == start) break;
            var key = Key(text.AsSpan(start, i - start));
            if (key.Length == 0) continue;
            for (var k = next; k < Math.Min(words.Count, next + Lookahead); k++)
            {
                if (Spell(keys, k, key) is not { } end) continue;
                offsets.Add(start);
                offsets.Add(i);
                AddBox(boxes, words, k, end, crop);
                next = end;
                break;
            }
        }
        return offsets.Count == 0 ? null : new BlockGeometry(((page.Rotation.Value % 360) + 360) % 360, [.. offsets], [.. boxes]);
    }

    /// <summary>The end (exclusive) of the run of words from <paramref name="k"/> whose keys concatenate to <paramref name="key"/>, or null.</summary>
    private static int? Spell(string[] keys, int k, string key)
    {
        var pos = 0;
        var m = k;
        while (m < keys.Length && pos < key.Length)
        {
            var part = keys[m];
            if (part.Length == 0) { if (m == k) return null; m++; continue; }
            if (string.CompareOrdinal(key, pos, part, 0, part.Length) != 0 || pos + part.Length > key.Length) return null;
            pos += part.Length;
            m++;
        }
        return pos == key.Length && m > k ? m : null;
    }

    private static void AddBox(List<ushort> boxes, IReadOnlyList<Word> words, int from, int to, PdfRectangle crop)
    {
        double x0 = double.MaxValue, y0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue;
        for (var w = from; w < to; w++)
        {
            var b = words[w].BoundingBox;
            foreach (var p in (ReadOnlySpan<PdfPoint>)[b.TopLeft, b.TopRight, b.BottomLeft, b.BottomRight])
            {
                x0 = Math.Min(x0, p.X); x1 = Math.Max(x1, p.X);
                y0 = Math.Min(y0, p.Y); y1 = Math.Max(y1, p.Y);
            }
        }
        boxes.Add(Quantise((x0 - crop.Left) / crop.Width));
        boxes.Add(Quantise((y0 - crop.Bottom) / crop.Height));
        boxes.Add(Quantise((x1 - crop.Left) / crop.Width));
        boxes.Add(Quantise((y1 - crop.Bottom) / crop.Height));
    }

    private static ushort Quantise(double fraction) => (ushort)Math.Round(Math.Clamp(fraction, 0, 1) * 65535);

    /// <summary>Letters and digits only, compatibility-folded (ligatures) and lower-cased: what a token and its words share.</summary>
    internal static string Key(ReadOnlySpan<char> text)
    {
        var folded = text.ToString().Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
