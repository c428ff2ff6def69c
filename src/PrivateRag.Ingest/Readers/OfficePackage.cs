using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>Shared checks and error mapping for the Open XML formats (PPTX, XLSX).</summary>
internal static class OfficePackage
{
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>Reads the bytes and refuses encrypted, non-ZIP and bomb-like packages before any XML is parsed.</summary>
    public static byte[] ReadChecked(Stream content, ReadLimits limits, string format, CancellationToken ct)
    {
        var bytes = BlockCollector.ReadAll(content, ct);
        if (bytes.Length == 0) throw new DocumentRejectedException(RejectReason.Corrupt, $"The {format} file is empty (0 bytes).");
        if (bytes.AsSpan().StartsWith(OleSignature))
        {
            throw new DocumentRejectedException(RejectReason.Encrypted,
                $"The {format} is password-protected (encrypted), or a legacy binary Office file renamed; upload an unprotected copy.");
        }
        if (bytes.Length < 4 || bytes[0] != (byte)'P' || bytes[1] != (byte)'K')
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, $"The {format} is not a ZIP package (the file is damaged or of another type).");
        }
        ZipPackageGuard.Check(bytes, limits, format);
        return bytes;
    }

    public static OpenSettings Settings(ReadLimits limits) => new()
    {
        MaxCharactersInPart = Math.Clamp(limits.MaxExtractedChars * 20, 10_000_000, 1_000_000_000),
    };

    public static bool IsPackageFailure(Exception ex) =>
        ex is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException or InvalidOperationException
            or NotSupportedException or IOException or ArgumentException or KeyNotFoundException or NullReferenceException
            or FormatException or IndexOutOfRangeException or OverflowException;
}
