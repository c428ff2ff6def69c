namespace PrivateRag.Inference.Catalog;

/// <summary>
/// Where pulled models go and how to use them afterwards: one rule for <c>privaterag models pull</c> and the admin
/// page's downloads, so both put a preset's file in the same place and print the same configuration.
/// </summary>
public static class ModelFiles
{
    /// <summary>The download folder when none is given: <c>models</c> under the working directory.</summary>
    public const string DefaultDirectory = "models";

    /// <summary>The full path a file named <paramref name="fileName"/> is downloaded to in <paramref name="directory"/>.</summary>
    public static string Destination(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (!string.Equals(Path.GetFileName(fileName), fileName, StringComparison.Ordinal))
            throw new ArgumentException($"'{fileName}' is not a plain file name.", nameof(fileName));
        return Path.GetFullPath(Path.Combine(directory, fileName));
    }

    /// <summary>The configuration section a preset's capability is set in (<c>Models:Chat</c>, ...).</summary>
    public static string SectionFor(string capability) => capability switch
    {
        ModelCapability.Embedding => $"{ModelsOptions.Section}:Embedding",
        ModelCapability.Reranker => $"{ModelsOptions.Section}:Reranker",
        _ => $"{ModelsOptions.Section}:Chat",
    };

    /// <summary>The settings that put a downloaded preset to use, e.g. <c>Models:Chat:Path=/srv/models/x.gguf</c>.</summary>
    public static string ConfigurationHint(ModelPreset preset, string path)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var section = SectionFor(preset.Capability);
        var hint = $"{section}:Path={path}";
        if (preset.QueryPrefix is not null) hint += $" {section}:QueryPrefix=\"{preset.QueryPrefix}\"";
        if (preset.DocumentPrefix is not null) hint += $" {section}:DocumentPrefix=\"{preset.DocumentPrefix}\"";
        // A GGUF declares its pooling and length; an ONNX export does not, so they are part of the settings.
        if (Onnx.OnnxModelFiles.IsOnnx(preset.FileName))
        {
            if (preset.Pooling is not null) hint += $" {section}:Pooling={preset.Pooling}";
            hint += $" {section}:MaxTokens={preset.ContextSize}";
        }

        return hint;
    }

    /// <summary>
    /// Where each of a preset's companion files comes from and goes to: the catalogue's address, or with a mirror
    /// (<c>models pull --url</c>) the same file name in the mirror's folder; always beside the model file.
    /// </summary>
    public static IReadOnlyList<(Uri Url, string Destination, string? Sha256)> Companions(ModelPreset preset, string directory, Uri? mirror = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return [.. preset.Companions.Select(c => (mirror is null ? c.Url : new Uri(mirror, c.FileName), Destination(directory, c.FileName), c.Sha256))];
    }
}
