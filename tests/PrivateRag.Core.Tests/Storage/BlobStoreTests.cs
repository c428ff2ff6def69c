using System.Security.Cryptography;
using System.Text;
using PrivateRag.Core.Blobs;

namespace PrivateRag.Core.Tests.Storage;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "privaterag-blobs", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_blob_is_addressed_by_the_sha256_of_its_bytes()
    {
        var store = new FileBlobStore(_root);
        var bytes = Encoding.UTF8.GetBytes("hello blob");
        var stored = await store.PutAsync(new MemoryStream(bytes));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Hash);
        Assert.Equal(bytes.Length, stored.Length);
        await using var read = store.OpenRead(stored.Hash)!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_keeps_one_copy_and_leaves_no_temporary_files()
    {
        var store = new FileBlobStore(_root);
        var a = await store.PutAsync(new MemoryStream([1, 2, 3]));
        var b = await store.PutAsync(new MemoryStream([1, 2, 3]));
        Assert.Equal(a.Hash, b.Hash);
        Assert.Single(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Deleting_removes_the_blob()
    {
        var store = new FileBlobStore(_root);
        var a = await store.PutAsync(new MemoryStream([9]));
        store.Delete(a.Hash);
        Assert.False(store.Exists(a.Hash));
        Assert.Null(store.OpenRead(a.Hash));
    }

    [Fact]
    public void A_malformed_address_is_refused_rather_than_used_as_a_path()
    {
        var store = new FileBlobStore(_root);
        Assert.Throws<ArgumentException>(() => store.OpenRead("../../etc/passwd"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
