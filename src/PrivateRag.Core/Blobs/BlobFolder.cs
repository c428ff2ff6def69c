namespace PrivateRag.Core.Blobs;

/// <summary>
/// Where blobs live on disk: each under <c>{root}/ab/cd/abcd…</c> (its SHA-256, sharded by the first two bytes so no
/// folder grows huge), written to <c>{root}/tmp</c> first and renamed into place.
/// </summary>
public sealed class BlobFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Half-written uploads; the same volume as the blobs, so the final rename is atomic.</summary>
    public string TempFolder => Path.Combine(Root, "tmp");

    /// <exception cref="ArgumentException">The hash is not a 64-character hex SHA-256.</exception>
    public string PathFor(string hash)
    {
        if (hash is not { Length: 64 } || !hash.All(Uri.IsHexDigit))
            throw new ArgumentException("A blob address is a 64-character hex SHA-256.", nameof(hash));
        return Path.Combine(Root, hash[..2], hash[2..4], hash);
    }
}
