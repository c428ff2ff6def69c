namespace PrivateRag.Inference;

/// <summary>Recognises GGUF model files by their first four bytes.</summary>
public static class GgufFile
{
    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>True when the file exists and starts with the GGUF magic bytes.</summary>
    public static bool HasMagic(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Magic);
    }
}
