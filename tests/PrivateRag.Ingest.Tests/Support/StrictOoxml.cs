using System.IO.Compression;
using System.Text;

namespace PrivateRag.Ingest.Tests.Support;

/// <summary>
/// Turns a Transitional Office package into its ISO/IEC 29500 Strict form at test time: the Strict namespaces
/// (http://purl.oclc.org/ooxml/...) and relationship types in every XML part, and w:conformance="strict". No Strict
/// sample is in ../shared, and converted files are never committed; the same document in both forms must read alike.
/// </summary>
internal static class StrictOoxml
{
    public const string WordprocessingMl = "http://purl.oclc.org/ooxml/wordprocessingml/main";
    public const string RelationshipTypes = "http://purl.oclc.org/ooxml/officeDocument/relationships/";

    // Longest first: the specific names before the prefixes that contain them.
    private static readonly (string Transitional, string Strict)[] Namespaces =
    [
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", RelationshipTypes + "extendedProperties"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties", RelationshipTypes + "customProperties"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/custom-properties", "http://purl.oclc.org/ooxml/officeDocument/customProperties"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes", "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes", "http://purl.oclc.org/ooxml/officeDocument/sharedTypes"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/customXml", "http://purl.oclc.org/ooxml/officeDocument/customXml"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/bibliography", "http://purl.oclc.org/ooxml/officeDocument/bibliography"),
        ("http://schemas.openxmlformats.org/officeDocument/2006/math", "http://purl.oclc.org/ooxml/officeDocument/math"),
        ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", WordprocessingMl),
        ("http://schemas.openxmlformats.org/presentationml/2006/main", "http://purl.oclc.org/ooxml/presentationml/main"),
        ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"),
        ("http://schemas.openxmlformats.org/schemaLibrary/2006/main", "http://purl.oclc.org/ooxml/schemaLibrary/main"),
        ("http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main"),
        ("http://schemas.openxmlformats.org/drawingml/2006/", "http://purl.oclc.org/ooxml/drawingml/"),
    ];

    public static byte[] FromTransitional(byte[] package)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(package, writable: false), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var buffer = new MemoryStream();
                read.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (IsXml(entry.FullName)) bytes = Encoding.UTF8.GetBytes(Convert(Encoding.UTF8.GetString(bytes), entry.FullName));
                using var write = target.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                write.Write(bytes);
            }
        }
        return output.ToArray();
    }

    private static bool IsXml(string name) =>
        name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);

    private static string Convert(string xml, string partName)
    {
        foreach (var (transitional, strict) in Namespaces) xml = xml.Replace(transitional, strict, StringComparison.Ordinal);
        if (partName == "word/document.xml")
        {
            // Strict documents declare it on the root element (ISO/IEC 29500-1 17.2.3).
            var root = xml.IndexOf("<w:document ", StringComparison.Ordinal);
            if (root >= 0) xml = xml.Insert(root + "<w:document ".Length, "w:conformance=\"strict\" ");
        }
        return xml;
    }
}
