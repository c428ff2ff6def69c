using System.IO.Compression;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Tests.Support;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

/// <summary>ISO/IEC 29500 Strict DOCX (purl.oclc.org namespaces) reads exactly like its Transitional twin.</summary>
public sealed class DocxStrictTests
{
    [SharedDataTheory]
    [InlineData("docs/python-docx/blk-paras-and-tables.docx")]
    [InlineData("docs/openxml-sdk/Complex01.docx")]
    [InlineData("docs/tika/testWORD_various.docx")]
    [InlineData("docs/tika/testWORD_charts.docx")]
    public void A_strict_docx_gives_the_same_blocks_as_the_transitional_original(string file)
    {
        var transitional = File.ReadAllBytes(SharedData.File(file)!);
        var strict = StrictOoxml.FromTransitional(transitional);

        var expected = new DocxReader().Read(new MemoryStream(transitional), new ReadLimits(), CancellationToken.None);
        var actual = new DocxReader().Read(new MemoryStream(strict), new ReadLimits(), CancellationToken.None);

        Assert.True(IsStrict(strict), "the converted package must really be Strict");
        Assert.NotEmpty(expected.Blocks);
        Assert.Equal(expected.Blocks, actual.Blocks);
        Assert.Equal(expected.Title, actual.Title);
    }

    private static bool IsStrict(byte[] package)
    {
        using var zip = new ZipArchive(new MemoryStream(package));
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        var xml = reader.ReadToEnd();
        using var rels = new StreamReader(zip.GetEntry("_rels/.rels")!.Open());
        return xml.Contains(StrictOoxml.WordprocessingMl, StringComparison.Ordinal)
               && !xml.Contains("schemas.openxmlformats.org/wordprocessingml", StringComparison.Ordinal)
               && rels.ReadToEnd().Contains(StrictOoxml.RelationshipTypes + "officeDocument", StringComparison.Ordinal);
    }
}
