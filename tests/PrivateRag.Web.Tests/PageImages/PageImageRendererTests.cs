using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Documents;
using PrivateRag.Tests;
using PrivateRag.Web.PageImages;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Xunit.Abstractions;

namespace PrivateRag.Web.Tests.PageImages;

/// <summary>Rendering cited pages with pdftoppm (a CI dependency, as for OCR): images, cache, limits, and bad files.</summary>
public sealed class PageImageRendererTests(ITestOutputHelper output)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47];

    private static DocumentInfo Info(string name) => new(Guid.NewGuid(), name, Guid.NewGuid(), DocumentStatus.Indexed, null, 1,
        RejectReason.None, null, 0, 0, 0, "application/pdf", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static PageImageRenderer Renderer(PageImageOptions? options = null) =>
        new(Options.Create(options ?? new PageImageOptions()), NullLogger<PageImageRenderer>.Instance);

    private static Func<CancellationToken, Task<Stream?>> Bytes(byte[] bytes) => _ => Task.FromResult<Stream?>(new MemoryStream(bytes));

    [SharedDataFact]
    public async Task Pages_of_a_10Q_render_once_and_then_come_from_the_cache_with_latency_reported()
    {
        var bytes = await File.ReadAllBytesAsync(SharedData.File("eval/sec10q/pdfs/2022 Q3 AAPL.pdf")!);
        using var renderer = Renderer();
        var document = Info("aapl.pdf");
        var first = new List<double>();
        var cached = new List<double>();
        for (var page = 1; page <= 20; page++)
        {
            var watch = Stopwatch.StartNew();
            var image = await renderer.RenderAsync(document, page, Bytes(bytes), CancellationToken.None);
            first.Add(watch.Elapsed.TotalMilliseconds);
            Assert.True(image.Ok, image.Problem);
            Assert.False(image.Cached);
            Assert.Equal(PngSignature, image.Png![..4]);
            watch.Restart();
            var again = await renderer.RenderAsync(document, page, Bytes(bytes), CancellationToken.None);
            cached.Add(watch.Elapsed.TotalMilliseconds);
            Assert.True(again.Cached);
            Assert.Equal(image.Png, again.Png);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first view p50 {Percentile(first, 0.5):0} ms, p95 {Percentile(first, 0.95):0} ms; cached p50 {Percentile(cached, 0.5):0.000} ms, p95 {Percentile(cached, 0.95):0.000} ms (20 pages, 1600 px)"));
    }

    [Fact]
    public async Task Page_2999_of_a_3000_page_pdf_renders()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var n = 1; n <= 3000; n++)
            builder.AddPage(PageSize.A4).AddText(string.Create(CultureInfo.InvariantCulture, $"Page {n}."), 11, new PdfPoint(60, 760), font);
        var bytes = builder.Build();
        using var renderer = Renderer();
        var watch = Stopwatch.StartNew();
        var image = await renderer.RenderAsync(Info("long.pdf"), 2999, Bytes(bytes), CancellationToken.None);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"page 2,999 of 3,000 ({bytes.Length / 1024} KB): {watch.ElapsedMilliseconds} ms"));
        Assert.True(image.Ok, image.Problem);
    }

    [Fact]
    public async Task A_damaged_pdf_gets_a_reason_not_an_image()
    {
        using var renderer = Renderer();
        var image = await renderer.RenderAsync(Info("broken.pdf"), 1, Bytes("%PDF-1.4\n1 0 obj garbage"u8.ToArray()), CancellationToken.None);
        Assert.False(image.Ok);
        Assert.Contains("cannot be shown as an image", image.Problem, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task An_encrypted_pdf_gets_a_reason_not_an_image()
    {
        var bytes = await File.ReadAllBytesAsync(SharedData.File("docs/pdfpig/encrypted-password-is-password.pdf")!);
        using var renderer = Renderer();
        var image = await renderer.RenderAsync(Info("secret.pdf"), 1, Bytes(bytes), CancellationToken.None);
        Assert.False(image.Ok);
        Assert.Contains("encrypted", image.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_over_the_size_limit_is_refused()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(PageSize.A4).AddText("Dense page", 11, new PdfPoint(60, 760), font);
        using var renderer = Renderer(new PageImageOptions { MaxImageBytes = 64 * 1024, MaxPixels = 4000 });
        var image = await renderer.RenderAsync(Info("big.pdf"), 1, Bytes(builder.Build()), CancellationToken.None);
        // A blank-ish 4000 px page compresses well; either it fits or it is refused with the key named, never more.
        Assert.True(image.Ok ? image.Png!.Length <= 64 * 1024 : image.Problem!.Contains("PageImages:MaxImageBytes", StringComparison.Ordinal));
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
