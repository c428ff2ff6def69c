using Microsoft.Extensions.AI;

namespace PrivateRag.Inference;

/// <summary>
/// Applies what the configuration says about embeddings to any generator, local or remote: the query/document prefix
/// chosen by <see cref="EmbeddingPurpose"/>, and L2 normalisation. Also records the vector size in the status.
/// </summary>
internal sealed class PurposeEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> inner, EmbeddingModelOptions options, ModelCapabilityStatus status)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var prefix = PrefixFor(generationOptions);
        var inputs = string.IsNullOrEmpty(prefix) ? values : values.Select(v => prefix + v).ToList();

        var result = await base.GenerateAsync(inputs, generationOptions, cancellationToken);
        foreach (var embedding in result)
        {
            if (options.Normalize) Normalize(embedding.Vector);
        }

        if (result.Count > 0 && status.EmbeddingDimensions is null)
            status.SetEmbeddingDimensions(result[0].Vector.Length);
        return result;
    }

    internal string? PrefixFor(EmbeddingGenerationOptions? generationOptions)
    {
        if (generationOptions?.AdditionalProperties?.TryGetValue(EmbeddingPurpose.Key, out var purpose) is not true) return null;
        return (purpose?.ToString()) switch
        {
            EmbeddingPurpose.Query => options.QueryPrefix,
            EmbeddingPurpose.Document => options.DocumentPrefix,
            _ => null,
        };
    }

    private static void Normalize(ReadOnlyMemory<float> vector)
    {
        // Embedding<float>.Vector is read-only by type; the arrays are ours (just produced by the inner generator).
        if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(vector, out var segment) || segment.Array is null) return;
        var span = segment.AsSpan();
        var sum = 0d;
        foreach (var x in span) sum += (double)x * x;
        var norm = Math.Sqrt(sum);
        if (norm is 0 || !double.IsFinite(norm)) return;
        for (var i = 0; i < span.Length; i++) span[i] = (float)(span[i] / norm);
    }
}
