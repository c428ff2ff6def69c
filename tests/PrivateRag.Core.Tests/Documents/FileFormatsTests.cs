using PrivateRag.Core.Documents;

namespace PrivateRag.Core.Tests.Documents;

public sealed class FileFormatsTests
{
    [Fact]
    public void No_extension_belongs_to_two_formats()
    {
        var extensions = FileFormats.All.SelectMany(f => f.Extensions).ToList();
        Assert.Equal(extensions.Count, extensions.Distinct(StringComparer.Ordinal).Count());
        Assert.All(extensions, e => Assert.Equal(e.ToLowerInvariant(), e));
    }

    [Fact]
    public void The_upload_default_is_the_table_in_its_order()
    {
        Assert.Equal(new[] { ".pdf", ".docx", ".pptx", ".xlsx", ".html", ".htm", ".csv", ".tsv", ".txt", ".md", ".markdown", "" }, new UploadOptions().AllowedExtensions);
    }

    [Theory]
    [InlineData("report.TSV", "text/tab-separated-values")]
    [InlineData("table.csv", "text/csv")]
    [InlineData("Deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    [InlineData("page.htm", "text/html")]
    [InlineData("4983", "application/octet-stream")]
    [InlineData("photo.jpg", "application/octet-stream")]
    public void A_file_name_has_the_media_type_of_its_format(string name, string mediaType) =>
        Assert.Equal(mediaType, FileFormats.MediaTypeOf(name));
}
