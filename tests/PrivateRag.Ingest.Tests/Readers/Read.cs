using PrivateRag.Ingest.Readers;
using PrivateRag.Tests;

namespace PrivateRag.Ingest.Tests.Readers;

/// <summary>Reads files through the registry, the way the pipeline will.</summary>
internal static class Read
{
    public static DocumentReaderRegistry Registry { get; } =
        DocumentReaderRegistry.CreateDefault();

    public static ExtractedDocument Shared(string relative, ReadLimits? limits = null, CancellationToken ct = default)
    {
        var path = SharedData.File(relative) ?? throw new FileNotFoundException($"../shared/{relative} is missing.");
        return File(path, limits, ct);
    }

    public static ExtractedDocument File(string path, ReadLimits? limits = null, CancellationToken ct = default)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Registry.For(path).Read(stream, limits ?? new ReadLimits(), ct);
    }

    public static DocumentRejectedException Rejection(string relative, ReadLimits? limits = null) =>
        Assert.Throws<DocumentRejectedException>(() => Shared(relative, limits));

    public static string AllText(this ExtractedDocument document) => string.Join("\n\n", document.Blocks.Select(b => b.Text));

    public static string PageText(this ExtractedDocument document, int page) =>
        string.Join("\n\n", document.Blocks.Where(b => b.Page == page).Select(b => b.Text));
}

/// <summary>A temporary file deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string extension, byte[] content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"privaterag-{Guid.NewGuid():N}{extension}");
        System.IO.File.WriteAllBytes(Path, content);
    }

    public TempFile(string extension, string content) : this(extension, new System.Text.UTF8Encoding(false).GetBytes(content)) { }

    public string Path { get; }

    public void Dispose() => System.IO.File.Delete(Path);
}
