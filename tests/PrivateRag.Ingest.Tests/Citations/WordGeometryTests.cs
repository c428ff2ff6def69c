using System.Globalization;
using System.Text;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Chunking;
using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;
using UglyToad.PdfPig;
using Xunit.Abstractions;

namespace PrivateRag.Ingest.Tests.Citations;

/// <summary>
/// Word geometry on the 20 real 10-Q filings: a cited passage (a sentence or table row of a chunk) maps to rectangles
/// on its page, and the words PdfPig reads back from under those rectangles are the passage's words.
/// </summary>
public sealed class WordGeometryTests(ITestOutputHelper output)
{
    private const int Sample = 200;

    [SharedDataFact]
    public void Marked_rectangles_hold_the_cited_passages_words_on_the_10Q_filings()
    {
        var folder = Path.Combine(SharedData.RootPath!, "eval", "sec10q", "pdfs");
        var files = Directory.GetFiles(folder, "*.pdf").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(20, files.Count);
        var chunker = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance);

        var candidates = new List<(string File, ChunkDraft Chunk, int Start, int End)>();
        long layoutBytes = 0, textBytes = 0;
        foreach (var file in files)
        {
            var document = new PdfReader().Read(File.OpenRead(file), new ReadLimits(), CancellationToken.None);
            foreach (var chunk in chunker.Chunk(document))
            {
                Assert.NotNull(chunk.Layout);
                layoutBytes += chunk.Layout.EncodedLength;
                textBytes += Encoding.UTF8.GetByteCount(chunk.Text);
                foreach (var (start, end) in CitedSpan.Spans(chunk.Text))
                {
                    if (Keys(chunk.Text[start..end]).Count >= 4) candidates.Add((file, chunk, start, end));
                }
            }
        }

        var random = new Random(18);
        var sample = candidates.OrderBy(_ => random.Next()).Take(Sample).ToList();
        var good = 0;
        double coverageSum = 0, extraSum = 0;
        var failures = new List<string>();
        var open = new Dictionary<string, PdfDocument>();
        try
        {
            foreach (var (file, chunk, start, end) in sample)
            {
                if (!open.TryGetValue(file, out var pdf)) open[file] = pdf = PdfDocument.Open(file);
                var regions = chunk.Layout!.Regions(start, end);
                var under = new List<string>();
                foreach (var page in regions.Select(r => r.Page).Distinct())
                {
                    var p = pdf.GetPage(page);
                    Assert.Equal(0, p.Rotation.Value); // the filings are upright; rotation is covered by ChunkLayoutTests
                    var crop = p.CropBox.Bounds;
                    foreach (var word in p.GetWords())
                    {
                        var cx = (word.BoundingBox.Centroid.X - crop.Left) / crop.Width;
                        var cy = 1 - (word.BoundingBox.Centroid.Y - crop.Bottom) / crop.Height;
                        if (regions.Any(r => r.Page == page && cx >= r.Left && cx <= r.Left + r.Width && cy >= r.Top && cy <= r.Top + r.Height))
                            under.AddRange(Keys(word.Text));
                    }
                }
                var wanted = Keys(chunk.Text[start..end]);
                var (covered, extra) = Compare(wanted, under);
                var coverage = covered / (double)wanted.Count;
                var added = under.Count == 0 ? 0 : extra / (double)under.Count;
                coverageSum += coverage;
                extraSum += added;
                if (coverage >= 0.9 && added <= 0.1) good++;
                else if (failures.Count < 8) failures.Add($"{Path.GetFileName(file)} p.{chunk.Layout.PageAt(start)} coverage {coverage:P0} extra {added:P0}: {chunk.Text[start..end]}");
            }
        }
        finally
        {
            foreach (var pdf in open.Values) pdf.Dispose();
        }

        var share = good / (double)sample.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{good} of {sample.Count} cited passages ({share:P1}) marked right (>= 90% of their words under the rectangles, <= 10% others); " +
            $"mean coverage {coverageSum / sample.Count:P1}, mean extra {extraSum / sample.Count:P1}; " +
            $"{candidates.Count} candidate passages; layout {layoutBytes:N0} bytes for {textBytes:N0} bytes of text ({layoutBytes / (double)textBytes:0.00}x)"));
        foreach (var f in failures) output.WriteLine("  " + f);
        Assert.Equal(Sample, sample.Count);
        Assert.True(share >= 0.95, $"only {share:P1} of the passages were marked right");
        Assert.True(layoutBytes < 2.5 * textBytes, "the geometry outweighs the text");
    }

    [SharedDataFact]
    public void Geometry_is_the_same_on_every_read()
    {
        var file = Path.Combine(SharedData.RootPath!, "eval", "sec10q", "pdfs", "2022 Q3 AAPL.pdf");
        var chunker = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance);
        var first = chunker.Chunk(new PdfReader().Read(File.OpenRead(file), new ReadLimits(), CancellationToken.None));
        var second = chunker.Chunk(new PdfReader().Read(File.OpenRead(file), new ReadLimits(), CancellationToken.None));
        Assert.Equal(first.Select(c => Convert.ToBase64String(c.Layout!.Encode())), second.Select(c => Convert.ToBase64String(c.Layout!.Encode())));
        Assert.All(first, c => Assert.NotEmpty(c.Layout!.Words));
    }

    [SharedDataFact]
    public void A_page_with_rotate_gets_no_geometry_rather_than_misplaced_marks()
    {
        // PdfPig 0.1.16 places the words of this /Rotate 90 page 247 pt (height - width) away from where poppler
        // (pdftotext -bbox) and the rendered page have them; marking them would mark the wrong place.
        var file = Path.Combine(SharedData.RootPath!, "docs", "pdfpig", "SinglePage90ClockwiseRotation - from PdfPig.pdf");
        var chunk = new DocumentChunker(new ChunkingOptions(), ApproximateTokenCounter.Instance)
            .Chunk(new PdfReader().Read(File.OpenRead(file), new ReadLimits(), CancellationToken.None)).First();
        Assert.Contains("Hello", chunk.Text, StringComparison.Ordinal);
        Assert.Empty(chunk.Layout!.Words);
        Assert.Equal(1, chunk.Layout.PageAt(0));
    }

    /// <summary>How many of <paramref name="wanted"/> the words under the marks cover, and how many of those are others (multisets).</summary>
    private static (int Covered, int Extra) Compare(List<string> wanted, List<string> under)
    {
        var pool = under.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var covered = 0;
        foreach (var w in wanted)
        {
            if (pool.TryGetValue(w, out var n) && n > 0)
            {
                pool[w] = n - 1;
                covered++;
            }
        }
        return (covered, pool.Values.Sum());
    }

    private static List<string> Keys(string text)
    {
        var keys = new List<string>();
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var folded = token.Normalize(NormalizationForm.FormKC);
            var sb = new StringBuilder();
            foreach (var c in folded) if (char.IsLetterOrDigit(c)) sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            if (sb.Length > 0) keys.Add(sb.ToString());
        }
        return keys;
    }
}
