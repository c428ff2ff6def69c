using System.Text.Json;

namespace PrivateRag.Inference.Onnx;

/// <summary>How token vectors become one sentence vector.</summary>
public enum OnnxPooling
{
    /// <summary>Average of the token vectors under the attention mask (sentence-transformers' default).</summary>
    Mean,

    /// <summary>The first token's ([CLS]) vector (BGE, Arctic-embed).</summary>
    Cls,
}

/// <summary>
/// What an ONNX sentence-transformer needs besides the <c>.onnx</c> file, found from <c>Models:Embedding</c> and the
/// files beside the model: the tokenizer, the pooling and the maximum input length. One rule for start-up
/// validation and for loading, so a model that passes validation loads with the same files.
/// </summary>
/// <remarks>
/// Beside the model means its folder and that folder's parent: a Hugging Face repository keeps the ONNX file in
/// <c>onnx/model.onnx</c> and <c>vocab.txt</c>, <c>tokenizer.json</c> and <c>1_Pooling/config.json</c> at its root.
/// Catalogue downloads put several models in one folder, so <c>NAME.vocab.txt</c> / <c>NAME.tokenizer.json</c>
/// (NAME = the model's file name without <c>.onnx</c>) are looked for first.
/// </remarks>
public sealed record OnnxModelFiles(string ModelPath, string TokenizerPath, OnnxPooling Pooling, string PoolingSource, int MaxTokens)
{
    /// <summary>The truncation length when neither configuration nor a <c>sentence_bert_config.json</c> names one (BERT's position table).</summary>
    public const int DefaultMaxTokens = 512;

    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The files of the configured model, or the reasons it cannot be used (each naming what is missing).</summary>
    public static OnnxModelFiles? TryResolve(EmbeddingModelOptions options, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        problems = errors;
        const string prefix = $"{ModelsOptions.Section}:Embedding";
        var model = options.Path!;
        if (!File.Exists(model))
        {
            errors.Add($"{prefix}:Path '{Path.GetFullPath(model)}' does not exist. Point it at a sentence-transformer .onnx file (with its vocab.txt or tokenizer.json beside it), or remove it to turn embeddings off.");
            return null;
        }

        var folders = Folders(model);
        string? tokenizer;
        if (!string.IsNullOrWhiteSpace(options.TokenizerPath))
        {
            tokenizer = options.TokenizerPath;
            if (!File.Exists(tokenizer))
                errors.Add($"{prefix}:TokenizerPath '{Path.GetFullPath(tokenizer)}' does not exist; point it at the model's vocab.txt or tokenizer.json.");
        }
        else
        {
            var stem = Path.GetFileNameWithoutExtension(model);
            string[] names = [$"{stem}.vocab.txt", $"{stem}.tokenizer.json", "vocab.txt", "tokenizer.json"];
            tokenizer = folders.SelectMany(folder => names.Select(name => Path.Combine(folder, name))).FirstOrDefault(File.Exists);
            if (tokenizer is null)
                errors.Add($"{prefix}:Path '{model}' is an ONNX model but no tokenizer was found: looked for {string.Join(", ", names)} in {string.Join(" and ", folders)}. Put the model's vocab.txt or tokenizer.json beside it, or set {prefix}:TokenizerPath.");
        }

        var (pooling, poolingSource) = PoolingFor(options, folders, errors);
        var maxTokens = options.MaxTokens ?? MaxSeqLength(folders, errors) ?? DefaultMaxTokens;
        return errors.Count == 0 ? new OnnxModelFiles(model, tokenizer!, pooling, poolingSource, maxTokens) : null;
    }

    /// <summary>Like <see cref="TryResolve"/>, for callers that have passed validation.</summary>
    public static OnnxModelFiles Resolve(EmbeddingModelOptions options) =>
        TryResolve(options, out var problems) ?? throw new InvalidOperationException(string.Join(" ", problems));

    private static string[] Folders(string model)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(model))!;
        return Directory.GetParent(folder) is { } parent ? [folder, parent.FullName] : [folder];
    }

    private static (OnnxPooling, string) PoolingFor(EmbeddingModelOptions options, string[] folders, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(options.Pooling))
        {
            if (ParsePooling(options.Pooling) is { } configured) return (configured, $"{ModelsOptions.Section}:Embedding:Pooling");
            errors.Add($"{ModelsOptions.Section}:Embedding:Pooling '{options.Pooling}' is not supported for ONNX models; use mean or cls.");
            return (OnnxPooling.Mean, "");
        }

        var config = folders.Select(f => Path.Combine(f, "1_Pooling", "config.json")).FirstOrDefault(File.Exists);
        if (config is null) return (OnnxPooling.Mean, "default (no 1_Pooling/config.json beside the model)");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            var root = json.RootElement;
            // sentence-transformers 3+ writes "pooling_mode"; earlier versions one flag per mode.
            var mode = root.TryGetProperty("pooling_mode", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString()
                : root.EnumerateObject()
                    .Where(p => p.Name.StartsWith("pooling_mode_", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.True)
                    .Select(p => p.Name["pooling_mode_".Length..])
                    .FirstOrDefault();
            if (mode is not null && ParsePooling(mode) is { } pooling) return (pooling, config);
            errors.Add($"{config} asks for '{mode ?? "no"}' pooling; ONNX embeddings support mean and cls. Set {ModelsOptions.Section}:Embedding:Pooling to override.");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{config} cannot be read as a sentence-transformers pooling configuration ({e.Message}); fix it or set {ModelsOptions.Section}:Embedding:Pooling.");
        }

        return (OnnxPooling.Mean, "");
    }

    private static OnnxPooling? ParsePooling(string value) => value.Trim().ToLowerInvariant() switch
    {
        "mean" or "mean_tokens" => OnnxPooling.Mean,
        "cls" or "cls_token" => OnnxPooling.Cls,
        _ => null,
    };

    private static int? MaxSeqLength(string[] folders, List<string> errors)
    {
        var config = folders.Select(f => Path.Combine(f, "sentence_bert_config.json")).FirstOrDefault(File.Exists);
        if (config is null) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            return json.RootElement.TryGetProperty("max_seq_length", out var max) && max.TryGetInt32(out var value) && value > 0 ? value : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{config} cannot be read ({e.Message}); fix it or set {ModelsOptions.Section}:Embedding:MaxTokens.");
            return null;
        }
    }
}
