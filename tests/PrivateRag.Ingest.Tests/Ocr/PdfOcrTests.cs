using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Extraction;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Readers.Ocr;
using PrivateRag.Ingest.Tests.Readers;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;
using UglyToad.PdfPig.Writer;

namespace PrivateRag.Ingest.Tests.Ocr;

public sealed class PdfOcrTests
{
    private const string Scan = "docs/tika/testOCR.pdf";
    private const string Fax = "docs/pypdf-sample-files/imagemagick-CCITTFaxDecode.pdf";

    /// <summary>Long enough for a loaded two-core machine to start and kill the OCR tools; only a hang goes past it.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    private static ExtractedDocument ReadWith(OcrOptions options, string relative) =>
        ReadBytesWith(options, File.ReadAllBytes(SharedData.File(relative)!));

    private static ExtractedDocument ReadBytesWith(OcrOptions options, byte[] pdf) =>
        new PdfReader(new PdfOcr(options)).Read(new MemoryStream(pdf), new ReadLimits(), CancellationToken.None);

    private static DocumentRejectedException RejectionWith(OcrOptions options, string relative) =>
        Assert.Throws<DocumentRejectedException>(() => ReadWith(options, relative));

    [OcrFact]
    public void A_scanned_page_is_ocrd_and_its_text_is_kept_on_page_1()
    {
        var doc = Read.Shared(Scan);

        Assert.Equal(1, doc.PageCount);
        Assert.Contains("Happy New Year", doc.PageText(1), StringComparison.Ordinal);
        Assert.All(doc.Blocks, b => Assert.Equal(BlockKind.Paragraph, b.Kind));
    }

    [OcrFact]
    public void A_scanned_page_between_text_pages_keeps_its_page_number_and_the_text_layer_is_untouched()
    {
        var text = SharedData.File("docs/pypdf-sample-files/minimal-document.pdf")!;
        var merged = PdfMerger.Merge(text, SharedData.File(Scan)!, text);
        var textOnly = Read.File(text);

        var doc = ReadBytesWith(new OcrOptions(), merged);

        Assert.Equal(3, doc.PageCount);
        Assert.Contains("Happy New Year", doc.PageText(2), StringComparison.Ordinal);
        Assert.DoesNotContain("Happy New Year", doc.PageText(1) + doc.PageText(3), StringComparison.Ordinal);
        Assert.Equal(textOnly.Blocks.Select(b => (b.Kind, b.Text)), doc.Blocks.Where(b => b.Page == 1).Select(b => (b.Kind, b.Text)));
        Assert.Equal(doc.Blocks.Select(b => b.Page).Order(), doc.Blocks.Select(b => b.Page));
    }

    [SharedDataTheory]
    [InlineData(Scan)]
    [InlineData(Fax)]
    public void With_ocr_off_a_scan_is_rejected_as_needing_ocr_saying_how_to_turn_it_on(string file)
    {
        var ex = RejectionWith(new OcrOptions { Mode = OcrMode.Off }, file);

        Assert.Equal(RejectReason.NoText, ex.Reason);
        Assert.Contains("no text layer: needs OCR", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Ingestion:Ocr:Mode is Off", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void A_missing_tesseract_is_named_in_the_needs_ocr_rejection_with_how_to_install_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "tesseract");

        var ex = RejectionWith(new OcrOptions { TesseractPath = missing }, Scan);

        Assert.Equal(RejectReason.NoText, ex.Reason);
        Assert.Contains("no text layer: needs OCR", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"tesseract was not found at '{missing}' (Ingestion:Ocr:TesseractPath)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr poppler-utils", ex.Message, StringComparison.Ordinal);
    }

    [OcrFact]
    public void A_missing_pdftoppm_is_named_too()
    {
        var ex = RejectionWith(new OcrOptions { PdfToPpmPath = "privaterag-no-such-pdftoppm" }, Scan);

        Assert.Equal(RejectReason.NoText, ex.Reason);
        Assert.Contains("pdftoppm was not found at 'privaterag-no-such-pdftoppm' (Ingestion:Ocr:PdfToPpmPath)", ex.Message, StringComparison.Ordinal);
    }

    [OcrFact]
    public void A_language_without_its_pack_makes_ocr_unavailable_naming_the_package()
    {
        var ex = RejectionWith(new OcrOptions { Languages = "eng+qqq" }, Scan);

        Assert.Equal(RejectReason.NoText, ex.Reason);
        Assert.Contains("no language pack for 'qqq'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr-qqq", ex.Message, StringComparison.Ordinal);
    }

    [OcrFact]
    public void The_ccitt_fax_scan_gives_text_or_says_ocr_found_none()
    {
        try
        {
            var doc = ReadWith(new OcrOptions(), Fax);
            Assert.All(doc.Blocks, b => Assert.Equal(1, b.Page));
            Assert.NotEmpty(doc.Blocks);
        }
        catch (DocumentRejectedException ex)
        {
            Assert.Equal(RejectReason.NoText, ex.Reason);
            Assert.Contains("OCR (tesseract, eng) found no text on 1 page(s)", ex.Message, StringComparison.Ordinal);
        }
    }

    [OcrFact]
    public void A_page_past_the_ocr_page_timeout_fails_as_timed_out_naming_the_limit()
    {
        var clock = Stopwatch.StartNew();

        var ex = RejectionWith(new OcrOptions { PageTimeout = TimeSpan.FromMilliseconds(1) }, Scan);

        Assert.Equal(RejectReason.TimedOut, ex.Reason);
        Assert.Contains("OCR of page(s) 1 took longer than the limit of 0.001 s per page (Ingestion:Ocr:PageTimeout)", ex.Message, StringComparison.Ordinal);
        // A guard against hanging on the killed tools, not a speed claim: the message above shows the limit worked.
        Assert.True(clock.Elapsed < NoHang, $"took {clock.Elapsed}");
    }

    [OcrFact]
    public void Only_the_first_max_pages_image_only_pages_are_ocrd()
    {
        var scan = SharedData.File(Scan)!;
        var twoScans = PdfMerger.Merge(scan, scan);

        var doc = ReadBytesWith(new OcrOptions { MaxPages = 1 }, twoScans);

        Assert.Equal(2, doc.PageCount);
        Assert.Contains("Happy New Year", doc.PageText(1), StringComparison.Ordinal);
        Assert.Empty(doc.PageText(2));
    }

    [OcrFact]
    public void Cancelling_stops_ocr()
    {
        using var cts = new CancellationTokenSource();
        var reader = new PdfReader(new PdfOcr(new OcrOptions()));
        var bytes = File.ReadAllBytes(SharedData.File(Scan)!);
        cts.CancelAfter(TimeSpan.FromMilliseconds(50));

        // The first read may finish inside 50 ms on a fast machine; keep reading until the token fires.
        void ReadUntilCancelled()
        {
            while (true) reader.Read(new MemoryStream(bytes), new ReadLimits(), cts.Token);
        }

        Assert.ThrowsAny<OperationCanceledException>(ReadUntilCancelled);
    }

    [OcrFact]
    public async Task The_ocr_settings_reach_the_extraction_child_process()
    {
        var bytes = await File.ReadAllBytesAsync(SharedData.File(Scan)!);
        ChildProcessExtractor Child(OcrOptions ocr) => new(Read.Registry, Options.Create(new IngestionOptions()), Options.Create(ocr),
            NullLogger<ChildProcessExtractor>.Instance);

        var recognised = await Child(new OcrOptions()).ExtractAsync("scan.pdf", new MemoryStream(bytes), new ReadLimits(), CancellationToken.None);
        var off = await Assert.ThrowsAsync<DocumentRejectedException>(() =>
            Child(new OcrOptions { Mode = OcrMode.Off }).ExtractAsync("scan.pdf", new MemoryStream(bytes), new ReadLimits(), CancellationToken.None));

        Assert.Contains("Happy New Year", recognised.PageText(1), StringComparison.Ordinal);
        Assert.Contains("Ingestion:Ocr:Mode is Off", off.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task The_configured_mode_reaches_the_pipeline_through_the_child_process()
    {
        await using var host = await IngestTestHost.StartAsync(s =>
        {
            s["Ingestion:Isolation"] = "Process";
            s["Ingestion:Ocr:Mode"] = "Off";
        });
        var collection = await host.CreateCollectionAsync();
        var id = await host.UploadAsync(collection, SharedData.File(Scan)!);

        await host.DrainAsync();

        var doc = await host.DocumentAsync(id);
        Assert.Equal(DocumentStatus.Failed, doc.Status);
        Assert.Equal(RejectReason.NoText, doc.FailureReason);
        Assert.Contains("Ingestion:Ocr:Mode is Off", doc.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ingestion:Ocr:PageTimeout", "00:00:00", "PageTimeout")]
    [InlineData("Ingestion:Ocr:Languages", "eng deu", "Languages")]
    [InlineData("Ingestion:Ocr:Dpi", "20", "Dpi")]
    [InlineData("Ingestion:Ocr:MaxPages", "0", "MaxPages")]
    public void Invalid_ocr_settings_fail_at_start_naming_the_key(string key, string value, string property)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddLogging().AddPrivateRagIngestion(configuration, runWorkers: false).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OcrOptions>>().Value);

        Assert.Contains(property, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ocr_settings_survive_the_trip_to_the_child_command_line()
    {
        var options = new OcrOptions
        {
            Mode = OcrMode.Off, Languages = "eng+deu", Dpi = 200, MaxPages = 7, PageTimeout = TimeSpan.FromSeconds(12.5),
            TesseractPath = "/opt/tesseract 5/bin/tesseract", PdfToPpmPath = "/opt/poppler/pdftoppm",
        };
        var arguments = OcrArguments.From(options).Chunk(2).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

        var parsed = OcrArguments.Parse(arguments);

        Assert.Equivalent(options, parsed, strict: true);
    }
}
