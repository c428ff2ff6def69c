using PrivateRag.Core.Blobs;

namespace PrivateRag.Core.Storage;

/// <summary>
/// The layout of the data folder (<c>PrivateRag:DataPath</c>) on the embedded default, and the one place that names
/// its files: the store, the index, the blobs and the web app's data-protection keys. Everything that opens, copies or
/// deletes them (store, index, blob store, keys, backup and restore, the CLI) asks here.
/// </summary>
public sealed class DataFolder(string root)
{
    /// <summary>The folder, as a full path (a relative one is taken from the working directory).</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary><c>privaterag.db</c>: the SQLite metadata store (unless <c>Store:ConnectionString</c> points elsewhere).</summary>
    public string StoreDatabase => Path.Combine(Root, "privaterag.db");

    /// <summary><c>index/</c>: the embedded chunk index and its WAL files.</summary>
    public string IndexFolder => Path.Combine(Root, "index");

    /// <summary><c>index/chunks.db</c>: the embedded chunk index.</summary>
    public string IndexDatabase => Path.Combine(IndexFolder, "chunks.db");

    /// <summary><c>blobs/</c>: uploaded bytes by SHA-256 (<c>blobs/ab/cd/&lt;sha&gt;</c>, written through <c>blobs/tmp</c>).</summary>
    public BlobFolder Blobs => new(Path.Combine(Root, "blobs"));

    /// <summary><c>keys/</c>: ASP.NET data-protection keys, so sign-in cookies survive restarts.</summary>
    public string KeysFolder => Path.Combine(Root, "keys");
}
