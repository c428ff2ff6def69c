using System.Globalization;
using System.IO.Compression;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Checks an Office package (DOCX, PPTX, XLSX) before any part is parsed: a ZIP bomb is refused by the declared
/// uncompressed sizes (the runtime never inflates an entry past its declared size, so a forged header only truncates
/// the part) and by the compression ratio of large entries.
/// </summary>
internal static class ZipPackageGuard
{
    private const int MaxEntries = 20_000;
    private const long RatioCheckedAbove = 1024 * 1024;

    private static bool IsParsed(string name) =>
        name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".vml", StringComparison.OrdinalIgnoreCase);

    public static void Check(byte[] bytes, ReadLimits limits, string format)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, $"The {format} is not a readable ZIP package: {ex.Message}");
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxEntries)
            {
                throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                    $"The {format} package has {zip.Entries.Count:N0} parts; more than {MaxEntries:N0} is treated as a ZIP bomb."));
            }
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > limits.MaxDecompressedBytes)
                {
                    throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                        $"The {format} package unpacks to more than {limits.MaxDecompressedBytes / (1024 * 1024):N0} MB (Ingestion:MaxDecompressedBytes); it may be a ZIP bomb."));
                }
                // The ratio matters for the parts a reader parses (XML); media are never inflated by the readers, and
                // vector images (EMF/WMF) legitimately compress well over 100:1.
                if (entry.Length > RatioCheckedAbove && IsParsed(entry.FullName))
                {
                    var ratio = entry.Length / (double)Math.Max(1, entry.CompressedLength);
                    if (ratio > limits.MaxCompressionRatio)
                    {
                        throw new DocumentRejectedException(RejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                            $"The {format} part '{entry.FullName}' is compressed {ratio:0}:1, above the limit of {limits.MaxCompressionRatio:0}:1 (Ingestion:MaxCompressionRatio); it may be a ZIP bomb."));
                    }
                }
            }
        }
    }
}
