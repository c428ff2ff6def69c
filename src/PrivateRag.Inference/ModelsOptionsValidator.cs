using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PrivateRag.Inference;

/// <summary>
/// Validates every model section on start: data annotations of the nested sections, Path XOR Endpoint,
/// the file exists and is a GGUF (or, for embeddings, a <c>.onnx</c> model with a tokenizer beside it), the endpoint is an absolute http(s) address and names a model.
/// </summary>
internal sealed class ModelsOptionsValidator : IValidateOptions<ModelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelsOptions options)
    {
        var failures = new List<string>();
        Check("Chat", options.Chat, failures);
        Check("Embedding", options.Embedding, failures);
        Check("Reranker", options.Reranker, failures);
        if (!string.IsNullOrWhiteSpace(options.Reranker?.Endpoint))
        {
            failures.Add($"{ModelsOptions.Section}:Reranker:Endpoint: OpenAI-compatible servers have no rerank API; set Path to a local cross-encoder GGUF (e.g. bge-reranker-v2-m3) instead.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string capability, ModelOptions? model, List<string> failures)
    {
        var prefix = $"{ModelsOptions.Section}:{capability}";
        if (model is null) return;

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }

        var hasPath = !string.IsNullOrWhiteSpace(model.Path);
        var hasEndpoint = !string.IsNullOrWhiteSpace(model.Endpoint);
        if (hasPath && hasEndpoint)
        {
            failures.Add($"{prefix}: set either Path (a local GGUF file) or Endpoint (an OpenAI-compatible server), not both.");
            return;
        }

        if (hasPath && model is EmbeddingModelOptions embedding && Onnx.OnnxModelFiles.IsOnnx(model.Path!))
        {
            // A sentence-transformer run with ONNX Runtime: the model, its tokenizer and its pooling must all be found.
            if (Onnx.OnnxModelFiles.TryResolve(embedding, out var problems) is null) failures.AddRange(problems);
        }
        else if (hasPath)
        {
            var path = model.Path!;
            if (Directory.Exists(path))
                failures.Add($"{prefix}:Path '{path}' is a directory; point it at a .gguf model file.");
            else if (!File.Exists(path))
                failures.Add($"{prefix}:Path '{Path.GetFullPath(path)}' does not exist. Point it at a GGUF model file, or remove it to turn {capability.ToLowerInvariant()} off.");
            else if (!IsGguf(path, out var error))
                failures.Add($"{prefix}:Path '{path}' is not a GGUF model file: {error}");
        }

        if (hasEndpoint)
        {
            if (!Uri.TryCreate(model.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                failures.Add($"{prefix}:Endpoint '{model.Endpoint}' is not an absolute http(s) address (e.g. http://gpu-1:8080/v1).");
            if (string.IsNullOrWhiteSpace(model.ModelName))
                failures.Add($"{prefix}:ModelName is required with Endpoint: it names the model the server should use.");
        }
    }

    private static bool IsGguf(string path, out string error)
    {
        try
        {
            error = "it does not start with the 'GGUF' magic bytes (is it a safetensors/PyTorch file or an incomplete download?).";
            return GgufFile.HasMagic(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"it cannot be read ({ex.Message}).";
            return false;
        }
    }
}
