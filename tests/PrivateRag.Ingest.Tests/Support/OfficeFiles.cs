using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace PrivateRag.Ingest.Tests.Support;

/// <summary>Small Office files written in the test, including hostile ones.</summary>
internal static class OfficeFiles
{
    public static byte[] Docx(params string[] paragraphs)
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(paragraphs.Select(p => new W.Paragraph(new W.Run(new W.Text(p))))));
        }
        return ms.ToArray();
    }

    /// <summary>A DOCX with an extra XML part of <paramref name="megabytes"/> MB of zeros (compresses about 1000:1).</summary>
    public static byte[] ZipBombDocx(int megabytes)
    {
        using var ms = new MemoryStream();
        ms.Write(Docx("Looks harmless."));
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.CreateEntry("word/padding.xml", CompressionLevel.SmallestSize);
            using var stream = entry.Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) stream.Write(zeros);
        }
        return ms.ToArray();
    }

    /// <summary>Replaces a part of a package with the given XML text.</summary>
    public static byte[] WithPart(byte[] package, string partName, string xml)
    {
        using var ms = new MemoryStream();
        ms.Write(package);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(partName)?.Delete();
            using var stream = zip.CreateEntry(partName).Open();
            stream.Write(Encoding.UTF8.GetBytes(xml));
        }
        return ms.ToArray();
    }

    public const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// <summary>The "billion laughs": ten levels of entities each expanding to ten of the previous.</summary>
    public static string BillionLaughsDocumentXml()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE w:document [\n<!ENTITY lol0 \"lol\">\n");
        for (var i = 1; i <= 9; i++)
            sb.Append("<!ENTITY lol").Append(i).Append(" \"").Append(string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))).Append("\">\n");
        sb.Append("]>\n<w:document xmlns:w=\"").Append(WordNs).Append("\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>");
        return sb.ToString();
    }

    /// <summary>An external entity that would pull a local file into the text (XXE).</summary>
    public static string ExternalEntityDocumentXml(string path) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file://" + path + "\">]>\n" +
        "<w:document xmlns:w=\"" + WordNs + "\"><w:body><w:p><w:r><w:t>before &xxe; after</w:t></w:r></w:p></w:body></w:document>";
}
