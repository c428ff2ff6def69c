namespace PrivateRag.Core.Blobs;

/// <summary>Content-addressed storage of uploaded bytes: the address is the SHA-256 of the content.</summary>
public interface IBlobStore
{
    /// <summary>Stores the stream and returns its hash and length; storing the same bytes twice keeps one copy.</summary>
    Task<StoredBlob> PutAsync(Stream content, CancellationToken ct = default);

    /// <summary>Opens a blob for reading, or null when it does not exist.</summary>
    Stream? OpenRead(string hash);

    bool Exists(string hash);

    void Delete(string hash);
}

public sealed record StoredBlob(string Hash, long Length);
