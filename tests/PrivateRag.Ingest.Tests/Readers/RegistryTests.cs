using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Tests.Readers;

public sealed class RegistryTests
{
    [Theory]
    [InlineData("a.pdf", typeof(PdfReader))]
    [InlineData("A.PDF", typeof(PdfReader))]
    [InlineData("report.final.DocX", typeof(DocxReader))]
    [InlineData("notes.txt", typeof(PlainTextReader))]
    [InlineData("README.md", typeof(MarkdownReader))]
    [InlineData("x.markdown", typeof(MarkdownReader))]
    [InlineData("4983", typeof(PlainTextReader))]
    public void Picks_the_reader_by_extension_ignoring_case(string name, Type expected)
    {
        Assert.IsType(expected, Read.Registry.For(name));
        Assert.True(Read.Registry.IsSupported(name));
    }

    [Theory]
    [InlineData("photo.jpg", "'.jpg'")]
    [InlineData("old.doc", "'.doc'")]
    public void Unsupported_extension_is_rejected_naming_it_and_the_supported_ones(string name, string named)
    {
        var ex = Assert.Throws<DocumentRejectedException>(() => Read.Registry.For(name));

        Assert.Equal(RejectReason.Unsupported, ex.Reason);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Contains(".csv, .docx, .htm, .html, .markdown, .md, .pdf, .pptx, .tsv, .txt, .xlsx", ex.Message, StringComparison.Ordinal);
        Assert.False(Read.Registry.IsSupported(name));
    }

    [Fact]
    public void Two_readers_for_one_extension_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => new DocumentReaderRegistry([new PdfReader(), new PdfReader()]));
    }

    [Theory]
    [InlineData("a.pdf", "application/pdf")]
    [InlineData("a.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("a.txt", "text/plain")]
    [InlineData("a.md", "text/markdown")]
    [InlineData("a.markdown", "text/markdown")]
    [InlineData("a.tsv", "text/tab-separated-values")]
    [InlineData("a.csv", "text/csv")]
    [InlineData("a.exe", "application/octet-stream")]
    [InlineData("noext", "application/octet-stream")]
    public void Media_type_follows_the_extension(string name, string mediaType)
    {
        Assert.Equal(mediaType, FileFormats.MediaTypeOf(name));
    }

    [Fact]
    public void Every_format_in_the_table_has_exactly_one_default_reader()
    {
        Assert.Equal(FileFormats.All.ToHashSet(), Read.Registry.Formats.ToHashSet());
    }

    [Fact]
    public void Uploads_take_by_default_exactly_what_the_readers_read()
    {
        var uploadable = new UploadOptions().AllowedExtensions.ToHashSet();
        var readable = Read.Registry.Formats.SelectMany(f => f.Extensions).ToHashSet();
        Assert.Equal(readable, uploadable);
    }
}
