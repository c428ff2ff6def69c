using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Readers;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Extraction;

/// <summary>What the child process writes to stdout: the document, or why it was rejected.</summary>
internal sealed record ExtractionResult(ExtractedDocument? Document, RejectReason? Reason, string? Message);

/// <summary>
/// What PrivateRag.Ingest.Extractor runs (<c>--extract</c>): reads one file with the registered readers and
/// writes an <see cref="ExtractionResult"/> as JSON to stdout. Whatever happens inside the parser (a stack overflow,
/// running out of memory) ends only this process; the parent maps the exit to a rejection.
/// </summary>
internal static class ExtractionChild
{
    public const string Verb = "--extract";

    /// <summary>Test-only: makes the child crash the way a hostile file can (stack-overflow, hang, exit).</summary>
    public const string CrashSwitch = "--crash-for-test";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        if (options.GetValueOrDefault(CrashSwitch) is { } crash) Crash(crash);

        ExtractionResult result;
        try
        {
            var path = options["--file"];
            var name = options.GetValueOrDefault("--name") ?? Path.GetFileName(path);
            var limits = new ReadLimits(
                MaxPages: int.Parse(options["--max-pages"], CultureInfo.InvariantCulture),
                MaxExtractedChars: long.Parse(options["--max-chars"], CultureInfo.InvariantCulture),
                MaxDecompressedBytes: long.Parse(options["--max-decompressed"], CultureInfo.InvariantCulture),
                MaxCompressionRatio: double.Parse(options["--max-ratio"], CultureInfo.InvariantCulture));
            var ocr = new PdfOcr(OcrArguments.Parse(options));
            var reader = new DocumentReaderRegistry(DocumentReaderRegistry.DefaultReaders(ocr)).For(name);
            await using var stream = File.OpenRead(path);
            result = new ExtractionResult(reader.Read(stream, limits, CancellationToken.None), null, null);
        }
        catch (DocumentRejectedException e)
        {
            result = new ExtractionResult(null, e.Reason, e.Message);
        }
        catch (OutOfMemoryException)
        {
            result = new ExtractionResult(null, RejectReason.TooLarge, "OutOfMemory");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = new ExtractionResult(null, RejectReason.Internal, $"The extraction process could not read the file: {e.Message}");
        }
        catch (Exception e)
        {
            result = new ExtractionResult(null, RejectReason.Corrupt, $"The parser failed ({e.GetType().Name}): {e.Message}");
        }

        await using var stdout = Console.OpenStandardOutput();
        await JsonSerializer.SerializeAsync(stdout, result, Json);
        await stdout.FlushAsync();
        return 0;
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2) map[args[i]] = args[i + 1];
        return map;
    }

    private static void Crash(string how)
    {
        switch (how)
        {
            case "stack-overflow":
                Recurse(0);
                break;
            case "hang":
                Thread.Sleep(Timeout.Infinite);
                break;
            case "allocate":
                var hog = new List<byte[]>();
                while (true)
                {
                    var block = new byte[64 * 1024 * 1024];
                    Array.Fill(block, (byte)1);
                    hog.Add(block);
                }
            default:
                Environment.Exit(3);
                break;
        }
    }

    // Not tail-recursive: each frame keeps a local alive after the call, so the stack really grows until it overflows.
    private static int Recurse(int depth)
    {
        Span<byte> pad = stackalloc byte[256];
        pad[depth % 256] = (byte)depth;
        return Recurse(depth + 1) + pad[depth % 256];
    }
}
