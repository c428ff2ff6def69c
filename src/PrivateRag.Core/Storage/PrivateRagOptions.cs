using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Storage;

/// <summary>The <c>PrivateRag</c> section: where the embedded default keeps its data.</summary>
public sealed class PrivateRagOptions
{
    public const string Section = "PrivateRag";

    /// <summary>Where the data folder is when nothing says otherwise (the CLI's <c>--data</c> default too).</summary>
    public const string DefaultDataPath = "./data";

    /// <summary>The data folder: metadata store, blobs and the embedded index live under it.</summary>
    [Required] public string DataPath { get; set; } = DefaultDataPath;

    /// <summary>What lies where under <see cref="DataPath"/>.</summary>
    public DataFolder Folder => new(DataPath);
}
