using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Storage;

/// <summary>The <c>PrivateRag</c> section: where the embedded default keeps its data.</summary>
public sealed class PrivateRagOptions
{
    public const string Section = "PrivateRag";

    /// <summary>The data folder: metadata store, blobs and the embedded index live under it.</summary>
    [Required] public string DataPath { get; set; } = "./data";

    public string FullDataPath => Path.GetFullPath(DataPath);
}
