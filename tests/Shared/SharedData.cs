namespace PrivateRag.Tests;

/// <summary>
/// Locates ../shared (test data that lives beside the project, never inside it). Tests that need it skip with a
/// clear reason when it is absent, because people who clone the project will not have it.
/// </summary>
public static class SharedData
{
    public const string MissingReason = "../shared is absent: this test reads real files from the shared data folder beside the project.";

    private static readonly Lazy<string?> Root = new(Find);

    public static string? RootPath => Root.Value;

    public static bool Available => Root.Value is not null;

    /// <summary>Full path of a file under ../shared, or null when the folder or file is absent.</summary>
    public static string? File(string relative)
    {
        if (Root.Value is null) return null;
        var path = Path.Combine(Root.Value, relative);
        return System.IO.File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    public static string TinyModel => File("models/llama-2-tiny-random.gguf") ?? "";

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("PRIVATERAG_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "PrivateRag.sln")))
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared");
                return Directory.Exists(candidate) ? Path.GetFullPath(candidate) : null;
            }
        }
        return null;
    }
}
