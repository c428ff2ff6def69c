using System.Text;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads .txt: UTF-8/UTF-16/UTF-32 by BOM, otherwise strict UTF-8 with a Latin-1 fallback (BOM-less UTF-16 is
/// recognised by its zero bytes). Paragraphs are separated by blank lines; lines inside a paragraph are joined.
/// </summary>
public sealed class PlainTextReader : IDocumentReader
{
    private const string Format = "text file";

    /// <summary>".txt", and names without an extension (README, LICENSE, BEIR records named by their _id).</summary>
    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.PlainText, FileFormats.NoExtension];

    public bool SafeInProcess => true;

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var text = TextDecoding.Decode(BlockCollector.ReadAll(content, ct), limits, Format);
        ct.ThrowIfCancellationRequested();
        var collector = new BlockCollector(limits, Format);
        foreach (var paragraph in TextDecoding.Paragraphs(text))
        {
            ct.ThrowIfCancellationRequested();
            collector.Add(1, BlockKind.Paragraph, TextNormalizer.Inline(paragraph));
        }
        if (collector.Blocks.Count == 0) throw new DocumentRejectedException(RejectReason.NoText, "The text file is empty.");
        return new ExtractedDocument(collector.Blocks, 1);
    }
}

internal static class TextDecoding
{
    public static string Decode(byte[] bytes, ReadLimits limits, string format)
    {
        ReadOnlySpan<byte> span = bytes;
        Encoding encoding;
        int skip;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { encoding = new UTF8Encoding(false, false); skip = 3; }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) { encoding = new UTF32Encoding(false, false); skip = 4; }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) { encoding = new UTF32Encoding(true, false); skip = 4; }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) { encoding = new UnicodeEncoding(false, false); skip = 2; }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) { encoding = new UnicodeEncoding(true, false); skip = 2; }
        else
        {
            skip = 0;
            encoding = GuessWithoutBom(span, format);
        }
        var body = span[skip..];
        BlockCollector.CheckInputLength((long)body.Length / MinBytesPerChar(encoding), limits, format);
        return encoding.GetString(body);
    }

    private static int MinBytesPerChar(Encoding e) => e switch { UTF32Encoding => 4, UnicodeEncoding => 2, _ => 1 };

    private static Encoding GuessWithoutBom(ReadOnlySpan<byte> span, string format)
    {
        var sample = span[..Math.Min(span.Length, 8192)];
        int zerosEven = 0, zerosOdd = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] != 0) continue;
            if (i % 2 == 0) zerosEven++; else zerosOdd++;
        }
        var half = Math.Max(1, sample.Length / 2);
        if (zerosOdd > half * 0.3 && zerosEven < half * 0.05) return new UnicodeEncoding(false, false);
        if (zerosEven > half * 0.3 && zerosOdd < half * 0.05) return new UnicodeEncoding(true, false);
        if (zerosEven + zerosOdd > sample.Length / 10)
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, $"The {format} looks like binary data, not text.");
        }
        if (System.Text.Unicode.Utf8.IsValid(span)) return new UTF8Encoding(false, false);
        return Encoding.Latin1;
    }

    /// <summary>Splits on blank (whitespace-only) lines.</summary>
    public static IEnumerable<string> Paragraphs(string text)
    {
        var sb = new StringBuilder();
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
                continue;
            }
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(line);
        }
        if (sb.Length > 0) yield return sb.ToString();
    }
}
