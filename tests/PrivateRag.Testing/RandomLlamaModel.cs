using PrivateRag.Inference.Gguf;

namespace PrivateRag.Testing;

/// <summary>The dimensions of a llama-architecture model.</summary>
public sealed record LlamaShape(int EmbeddingLength, int Layers, int Heads, int KvHeads, int FeedForwardLength, int ContextLength = 4096)
{
    /// <summary>About 110M parameters (GPT-2-small-like: 768 wide, 12 layers) with a 32,000-token vocabulary and tied output.</summary>
    public static LlamaShape Small100M { get; } = new(768, 12, 12, 12, 2048);
}

/// <summary>
/// Writes a llama-architecture GGUF with random weights and a real tokenizer copied from another llama GGUF. Generation
/// speed does not depend on weight values, so such a file benchmarks the scheduler at realistic sizes without a download.
/// Matrices are Q8_0 or Q4_0 (the output layer is tied to the token embedding), norms F32. Q4_0 is what most local
/// deployments run and what llama.cpp repacks for its batched CPU matrix kernels, so the two give different batching
/// figures.
/// </summary>
public static class RandomLlamaModel
{
    public static void Write(string path, LlamaShape shape, string tokenizerSource, int seed = 42, GgmlType matrices = GgmlType.Q8_0)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (matrices is not (GgmlType.Q8_0 or GgmlType.Q4_0))
            throw new ArgumentException("Matrices can be Q8_0 or Q4_0.", nameof(matrices));
        if (shape.EmbeddingLength % 32 != 0 || shape.FeedForwardLength % 32 != 0 || shape.EmbeddingLength % shape.Heads != 0)
            throw new ArgumentException("Widths must be multiples of 32 (quantization blocks) and of the head count.", nameof(shape));

        var source = GgufDocument.Read(tokenizerSource);
        if (source.Get("tokenizer.ggml.model") as string != "llama")
            throw new ArgumentException("The tokenizer source must be a llama-tokenizer GGUF.", nameof(tokenizerSource));
        var vocabulary = ((GgufArray)source.Get("tokenizer.ggml.tokens")!).Values.Count;

        var metadata = new List<KeyValuePair<string, GgufValue>>
        {
            new("general.architecture", new(GgufValueType.String, "llama")),
            new("general.name", new(GgufValueType.String, $"random-llama-{shape.EmbeddingLength}x{shape.Layers}")),
            new("general.file_type", new(GgufValueType.UInt32, matrices == GgmlType.Q4_0 ? 2u : 7u)), // MOSTLY_Q4_0 / MOSTLY_Q8_0
            new("llama.context_length", new(GgufValueType.UInt32, (uint)shape.ContextLength)),
            new("llama.embedding_length", new(GgufValueType.UInt32, (uint)shape.EmbeddingLength)),
            new("llama.block_count", new(GgufValueType.UInt32, (uint)shape.Layers)),
            new("llama.feed_forward_length", new(GgufValueType.UInt32, (uint)shape.FeedForwardLength)),
            new("llama.rope.dimension_count", new(GgufValueType.UInt32, (uint)(shape.EmbeddingLength / shape.Heads))),
            new("llama.attention.head_count", new(GgufValueType.UInt32, (uint)shape.Heads)),
            new("llama.attention.head_count_kv", new(GgufValueType.UInt32, (uint)shape.KvHeads)),
            new("llama.attention.layer_norm_rms_epsilon", new(GgufValueType.Float32, 1e-5f)),
        };
        metadata.AddRange(source.Metadata.Where(kv => kv.Key.StartsWith("tokenizer.", StringComparison.Ordinal)));

        var n = (ulong)shape.EmbeddingLength;
        var kv = (ulong)(shape.EmbeddingLength / shape.Heads * shape.KvHeads);
        var ff = (ulong)shape.FeedForwardLength;
        var tensors = new List<(string Name, ulong[] Dimensions, GgmlType Type)> { ("token_embd.weight", [n, (ulong)vocabulary], matrices) };
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var blk = $"blk.{layer}.";
            tensors.Add((blk + "attn_norm.weight", [n], GgmlType.F32));
            tensors.Add((blk + "attn_q.weight", [n, n], matrices));
            tensors.Add((blk + "attn_k.weight", [n, kv], matrices));
            tensors.Add((blk + "attn_v.weight", [n, kv], matrices));
            tensors.Add((blk + "attn_output.weight", [n, n], matrices));
            tensors.Add((blk + "ffn_norm.weight", [n], GgmlType.F32));
            tensors.Add((blk + "ffn_gate.weight", [n, ff], matrices));
            tensors.Add((blk + "ffn_up.weight", [n, ff], matrices));
            tensors.Add((blk + "ffn_down.weight", [ff, n], matrices));
        }

        tensors.Add(("output_norm.weight", [n], GgmlType.F32));

        var random = new Random(seed);
        var temporary = path + ".part";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            GgufWriter.Write(output, metadata, tensors, (index, stream) =>
            {
                var (_, dims, type) = tensors[index];
                var elements = dims.Aggregate(1UL, (p, d) => p * d);
                if (type == GgmlType.F32) WriteOnes(stream, elements);
                else WriteRandomBlocks(stream, elements, random, type);
            });
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteOnes(Stream stream, ulong elements)
    {
        Span<byte> one = stackalloc byte[4];
        BitConverter.TryWriteBytes(one, 1f);
        for (ulong i = 0; i < elements; i++) stream.Write(one);
    }

    /// <summary>
    /// Blocks of 32 weights: an f16 scale, then random quantized values (Q8_0: 32 signed bytes; Q4_0: 16 bytes of
    /// 4-bit values minus 8). Small scales keep activations finite.
    /// </summary>
    private static void WriteRandomBlocks(Stream stream, ulong elements, Random random, GgmlType type)
    {
        var (size, scaleValue) = type == GgmlType.Q4_0 ? (18, 0.015f) : (34, 0.0008f);
        var block = new byte[size];
        var scale = BitConverter.GetBytes((Half)scaleValue);
        for (ulong b = 0; b < elements / 32; b++)
        {
            block[0] = scale[0];
            block[1] = scale[1];
            random.NextBytes(block.AsSpan(2));
            stream.Write(block);
        }
    }
}
