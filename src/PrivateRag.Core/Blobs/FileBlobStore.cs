using System.Security.Cryptography;

namespace PrivateRag.Core.Blobs;

/// <summary>
/// Blobs as files named by their SHA-256, laid out as <see cref="BlobFolder"/> says. Writes go to a temporary file
/// first and are renamed into place, so a crash never leaves a half-written blob under a valid name.
/// </summary>
public sealed class FileBlobStore(BlobFolder folder) : IBlobStore
{
    public FileBlobStore(string root)
        : this(new BlobFolder(root))
    {
    }

    public string Root => folder.Root;

    public async Task<StoredBlob> PutAsync(Stream content, CancellationToken ct = default)
    {
        var tempFolder = folder.TempFolder;
        Directory.CreateDirectory(tempFolder);
        var temp = Path.Combine(tempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            string hash;
            long length;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
                length = file.Length;
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            var target = PathFor(hash);
            if (File.Exists(target))
            {
                File.Delete(temp);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    File.Move(temp, target);
                }
                catch (IOException) when (File.Exists(target))
                {
                    File.Delete(temp); // another writer stored the same bytes first
                }
            }
            return new StoredBlob(hash, length);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }

    public Stream? OpenRead(string hash)
    {
        var path = PathFor(hash);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    public bool Exists(string hash) => File.Exists(PathFor(hash));

    public void Delete(string hash)
    {
        var path = PathFor(hash);
        if (File.Exists(path)) File.Delete(path);
    }

    private string PathFor(string hash) => folder.PathFor(hash);
}
