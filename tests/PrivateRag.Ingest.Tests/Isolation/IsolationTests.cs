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

namespace PrivateRag.Ingest.Tests.Isolation;

/// <summary>Hostile files fail with the limit they hit; parsing in a child process cannot take the worker down.</summary>
public sealed class IsolationTests
{
    private static ChildProcessExtractor Child(Action<IngestionOptions>? configure = null, string? crash = null, OcrOptions? ocr = null)
    {
        var options = new IngestionOptions();
        configure?.Invoke(options);
        return new ChildProcessExtractor(Read.Registry, Options.Create(options), Options.Create(ocr ?? new OcrOptions()),
            NullLogger<ChildProcessExtractor>.Instance) { CrashForTest = crash };
    }

    private static async Task<DocumentRejectedException> RejectedAsync(IDocumentExtractor extractor, string name, byte[] content, ReadLimits? limits = null)
    {
        using var stream = new MemoryStream(content);
        return await Assert.ThrowsAsync<DocumentRejectedException>(() => extractor.ExtractAsync(name, stream, limits ?? new ReadLimits(), CancellationToken.None));
    }

    [Fact]
    public async Task A_stack_overflow_in_the_parser_fails_the_document_and_this_process_lives_on()
    {
        var ex = await RejectedAsync(Child(crash: "stack-overflow"), "hostile.pdf", "%PDF-1.4"u8.ToArray());

        Assert.Equal(RejectReason.Corrupt, ex.Reason);
        Assert.Contains("parser crashed: stack overflow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parser_that_hangs_is_stopped_at_the_extraction_timeout()
    {
        var ex = await RejectedAsync(Child(o => o.ExtractionTimeout = TimeSpan.FromSeconds(2), crash: "hang"), "slow.pdf", "%PDF-1.4"u8.ToArray());

        Assert.Equal(RejectReason.TimedOut, ex.Reason);
        Assert.Contains("Ingestion:ExtractionTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parser_that_allocates_without_end_is_stopped_at_the_memory_cap()
    {
        var ex = await RejectedAsync(Child(o => o.MaxExtractionMemoryMB = 256, crash: "allocate"), "greedy.pdf", "%PDF-1.4"u8.ToArray());

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("Ingestion:MaxExtractionMemoryMB", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task The_child_process_extracts_the_same_blocks_as_the_reader_in_process()
    {
        var path = SharedData.File("docs/pypdf-sample-files/pdflatex-4-pages.pdf")!;
        await using var stream = File.OpenRead(path);

        var isolated = await Child().ExtractAsync("pdflatex-4-pages.pdf", stream, new ReadLimits(), CancellationToken.None);

        var direct = Read.File(path);
        Assert.Equal(direct.PageCount, isolated.PageCount);
        Assert.Equal(direct.Blocks, isolated.Blocks);
    }

    [SharedDataFact]
    public async Task Known_rejections_in_the_child_keep_their_reason()
    {
        var encrypted = await RejectedAsync(Child(), "x.pdf", await File.ReadAllBytesAsync(SharedData.File("docs/pdfminer/aes-256.pdf")!));
        var pages = await RejectedAsync(Child(), "x.pdf", await File.ReadAllBytesAsync(SharedData.File("docs/pypdf-sample-files/pdflatex-4-pages.pdf")!), new ReadLimits(MaxPages: 2));

        Assert.Equal(RejectReason.Encrypted, encrypted.Reason);
        Assert.Equal(RejectReason.TooLarge, pages.Reason);
        Assert.Contains("Ingestion:MaxPages", pages.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_bomb_docx_is_refused_by_its_compression_ratio()
    {
        var bomb = OfficeFiles.ZipBombDocx(megabytes: 64);

        var ex = await RejectedAsync(new InProcessExtractor(Read.Registry, Options.Create(new IngestionOptions())), "bomb.docx", bomb);

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("Ingestion:MaxCompressionRatio", ex.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 1024 * 1024, "the bomb itself is small");
    }

    [Fact]
    public async Task A_package_that_unpacks_past_the_limit_is_refused_naming_the_limit()
    {
        var ex = await RejectedAsync(Child(), "big.docx", OfficeFiles.ZipBombDocx(megabytes: 8), new ReadLimits(MaxDecompressedBytes: 4 * 1024 * 1024, MaxCompressionRatio: 1_000_000));

        Assert.Equal(RejectReason.TooLarge, ex.Reason);
        Assert.Contains("Ingestion:MaxDecompressedBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_billion_laughs_docx_is_refused_without_expanding_entities()
    {
        var docx = OfficeFiles.WithPart(OfficeFiles.Docx("x"), "word/document.xml", OfficeFiles.BillionLaughsDocumentXml());

        var ex = Assert.Throws<DocumentRejectedException>(() => new DocxReader().Read(new MemoryStream(docx), new ReadLimits(), CancellationToken.None));

        Assert.Equal(RejectReason.Corrupt, ex.Reason);
        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_entity_docx_never_reads_the_referenced_file()
    {
        using var secret = new TempFile(".txt", "TOP-SECRET-CANARY");
        var docx = OfficeFiles.WithPart(OfficeFiles.Docx("x"), "word/document.xml", OfficeFiles.ExternalEntityDocumentXml(secret.Path));

        var ex = Assert.Throws<DocumentRejectedException>(() => new DocxReader().Read(new MemoryStream(docx), new ReadLimits(), CancellationToken.None));

        Assert.DoesNotContain("TOP-SECRET-CANARY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_the_pipeline_a_crashing_parser_fails_only_its_document()
    {
        await using var host = await IngestTestHost.StartAsync(s => s["Ingestion:Isolation"] = "Process");
        var collection = await host.CreateCollectionAsync();
        host.Get<ChildProcessExtractor>().CrashForTest = "stack-overflow";
        var hostile = await host.UploadAsync(collection, "hostile.pdf", "%PDF-1.4 hostile"u8.ToArray());
        var fine = await host.UploadAsync(collection, "fine.txt", "Plain text is parsed in the worker, so it is indexed."u8.ToArray());

        await host.DrainAsync();

        var failed = await host.DocumentAsync(hostile);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Equal(RejectReason.Corrupt, failed.FailureReason);
        Assert.Contains("stack overflow", failed.Error, StringComparison.Ordinal);
        Assert.Equal(DocumentStatus.Indexed, (await host.DocumentAsync(fine)).Status);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_fails_naming_the_limit()
    {
        await using var host = await IngestTestHost.StartAsync(s => s["Ingestion:MaxFileBytes"] = "10");
        var collection = await host.CreateCollectionAsync();
        var id = await host.UploadAsync(collection, "big.txt", "more than ten bytes of text"u8.ToArray());

        await host.DrainAsync();

        var doc = await host.DocumentAsync(id);
        Assert.Equal(RejectReason.TooLarge, doc.FailureReason);
        Assert.Contains("Ingestion:MaxFileBytes", doc.Error, StringComparison.Ordinal);
    }
}
