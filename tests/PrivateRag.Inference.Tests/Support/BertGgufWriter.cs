using PrivateRag.Testing;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using PrivateRag.Inference.Gguf;

namespace PrivateRag.Inference.Tests.Support;

/// <summary>The facts of a BERT encoder that its ONNX weights do not carry (they live in the model's config.json).</summary>
/// <param name="Heads">Attention heads (all-MiniLM-L6-v2 and snowflake-arctic-embed-xs: 12 of 32 dimensions).</param>
/// <param name="Pooling">llama.cpp's pooling type: 1 = mean, 2 = CLS.</param>
public sealed record BertShape(int Heads, uint Pooling, float LayerNormEpsilon = 1e-12f);

/// <summary>
/// Writes a sentence-transformer's ONNX export as a BERT-architecture GGUF that llama.cpp loads as an embedder, with
/// the same weights (float32, unchanged) and the same WordPiece vocabulary: tensors named as llama.cpp's BERT graph
/// expects (<c>token_embd</c>, <c>position_embd</c>, <c>token_types</c>, <c>token_embd_norm</c>, per layer
/// <c>attn_q/k/v</c>, <c>attn_output</c>, <c>attn_output_norm</c>, <c>ffn_up</c>, <c>ffn_down</c>,
/// <c>layer_output_norm</c>), <c>bert.*</c> hyperparameters, and the vocabulary in llama.cpp's "phantom space" form
/// (word-initial pieces get a leading U+2581, <c>##</c> continuations lose their prefix, special tokens stay).
/// </summary>
/// <remarks>
/// PyTorch exports a Linear layer as <c>MatMul(x, W)</c> with <c>W</c> = the transposed weight under an anonymous
/// name (<c>onnx::MatMul_1234</c>, or a number in older exports), followed by <c>Add(bias, ...)</c> whose bias keeps
/// its module name. Each MatMul weight is therefore named after the bias its product is added to, and transposed
/// back to [out, in] (ggml's [in, out], the input dimension contiguous). Weights are written as float32, unchanged.
/// </remarks>
public static partial class BertGgufWriter
{
    private const int TokenTypeNormal = 1;
    private const int TokenTypeControl = 3;

    public static void Write(string onnxPath, string vocabularyPath, BertShape shape, string destination)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var graph = OnnxGraph.Read(onnxPath);
        var weights = NamedWeights(graph);
        var vocabulary = File.ReadAllLines(vocabularyPath);

        var wordEmbeddings = weights["embeddings.word_embeddings.weight"];
        var hidden = (int)wordEmbeddings.Dimensions[1];
        var layers = weights.Keys.Select(k => LayerNumber().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count();
        var feedForward = weights["encoder.layer.0.intermediate.dense.bias"].Values.Length;
        var positions = (int)weights["embeddings.position_embeddings.weight"].Dimensions[0];
        var tokenTypes = (int)weights["embeddings.token_type_embeddings.weight"].Dimensions[0];
        if (wordEmbeddings.Dimensions[0] != vocabulary.Length)
            throw new InvalidDataException($"The vocabulary has {vocabulary.Length} tokens but the model's word embeddings {wordEmbeddings.Dimensions[0]}.");
        if (hidden % shape.Heads != 0) throw new ArgumentException($"{shape.Heads} heads do not divide the width {hidden}.", nameof(shape));

        int Id(string token) => Array.IndexOf(vocabulary, token) is var id and >= 0 ? id : throw new InvalidDataException($"The vocabulary has no {token}.");
        string[] special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        var tokens = vocabulary.Select(t => special.Contains(t) ? t : t.StartsWith("##", StringComparison.Ordinal) ? t[2..] : "\u2581" + t).ToList();
        var types = vocabulary.Select(t => special.Contains(t) ? TokenTypeControl : TokenTypeNormal).ToList();

        var metadata = new List<KeyValuePair<string, GgufValue>>
        {
            new("general.architecture", new(GgufValueType.String, "bert")),
            new("general.name", new(GgufValueType.String, Path.GetFileNameWithoutExtension(destination))),
            new("general.file_type", new(GgufValueType.UInt32, 0u)), // ALL_F32
            new("bert.context_length", new(GgufValueType.UInt32, (uint)positions)),
            new("bert.embedding_length", new(GgufValueType.UInt32, (uint)hidden)),
            new("bert.feed_forward_length", new(GgufValueType.UInt32, (uint)feedForward)),
            new("bert.block_count", new(GgufValueType.UInt32, (uint)layers)),
            new("bert.attention.head_count", new(GgufValueType.UInt32, (uint)shape.Heads)),
            new("bert.attention.layer_norm_epsilon", new(GgufValueType.Float32, shape.LayerNormEpsilon)),
            new("bert.attention.causal", new(GgufValueType.Bool, false)),
            new("bert.pooling_type", new(GgufValueType.UInt32, shape.Pooling)),
            new("tokenizer.ggml.model", new(GgufValueType.String, "bert")),
            new("tokenizer.ggml.pre", new(GgufValueType.String, "default")),
            new("tokenizer.ggml.tokens", new(GgufValueType.Array, new GgufArray(GgufValueType.String, tokens))),
            new("tokenizer.ggml.token_type", new(GgufValueType.Array, new GgufArray(GgufValueType.Int32, types))),
            new("tokenizer.ggml.token_type_count", new(GgufValueType.UInt32, (uint)tokenTypes)),
            new("tokenizer.ggml.bos_token_id", new(GgufValueType.UInt32, (uint)Id("[CLS]"))),
            new("tokenizer.ggml.cls_token_id", new(GgufValueType.UInt32, (uint)Id("[CLS]"))),
            new("tokenizer.ggml.seperator_token_id", new(GgufValueType.UInt32, (uint)Id("[SEP]"))),
            new("tokenizer.ggml.unknown_token_id", new(GgufValueType.UInt32, (uint)Id("[UNK]"))),
            new("tokenizer.ggml.padding_token_id", new(GgufValueType.UInt32, (uint)Id("[PAD]"))),
            new("tokenizer.ggml.mask_token_id", new(GgufValueType.UInt32, (uint)Id("[MASK]"))),
        };

        // (GGUF name, weight): matrices in PyTorch's [out, in] row-major, which is ggml's [in, out].
        var plan = new List<(string Name, OnnxTensor Source)>
        {
            ("token_embd.weight", wordEmbeddings),
            ("position_embd.weight", weights["embeddings.position_embeddings.weight"]),
            ("token_types.weight", weights["embeddings.token_type_embeddings.weight"]),
            ("token_embd_norm.weight", weights["embeddings.LayerNorm.weight"]),
            ("token_embd_norm.bias", weights["embeddings.LayerNorm.bias"]),
        };
        (string Gguf, string Onnx)[] perLayer =
        [
            ("attn_q", "attention.self.query"), ("attn_k", "attention.self.key"), ("attn_v", "attention.self.value"),
            ("attn_output", "attention.output.dense"), ("ffn_up", "intermediate.dense"), ("ffn_down", "output.dense"),
        ];
        (string Gguf, string Onnx)[] norms = [("attn_output_norm", "attention.output.LayerNorm"), ("layer_output_norm", "output.LayerNorm")];
        for (var layer = 0; layer < layers; layer++)
        {
            var onnx = $"encoder.layer.{layer}.";
            var gguf = $"blk.{layer}.";
            foreach (var (name, module) in perLayer)
            {
                plan.Add((gguf + name + ".weight", weights[onnx + module + ".weight"]));
                plan.Add((gguf + name + ".bias", weights[onnx + module + ".bias"]));
            }

            foreach (var (name, module) in norms)
            {
                plan.Add((gguf + name + ".weight", weights[onnx + module + ".weight"]));
                plan.Add((gguf + name + ".bias", weights[onnx + module + ".bias"]));
            }
        }

        var tensors = plan.Select(p => (p.Name, Dimensions: GgmlDimensions(p.Source), GgmlType.F32)).ToList();
        var temporary = $"{destination}.{Environment.ProcessId}.part";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            GgufWriter.Write(output, metadata, tensors, (index, stream) =>
            {
                stream.Write(MemoryMarshal.AsBytes(plan[index].Source.Values.AsSpan()));
            });
        }

        File.Move(temporary, destination, overwrite: true);
    }

    /// <summary>
    /// Every float weight under its PyTorch module name and in PyTorch's orientation: named initializers as they are;
    /// MatMul weights ([in, out], usually anonymous) transposed to [out, in] and named <c>MODULE.weight</c> after the
    /// bias added to their product.
    /// </summary>
    internal static Dictionary<string, OnnxTensor> NamedWeights(OnnxGraph graph)
    {
        var named = graph.Initializers.Values.Where(t => t.Name.Contains('.', StringComparison.Ordinal) && !t.Name.StartsWith("onnx::", StringComparison.Ordinal))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(input => (input, n))).ToLookup(p => p.input, p => p.n, StringComparer.Ordinal);
        foreach (var matMul in graph.Nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Length == 2 && graph.Initializers.ContainsKey(n.Inputs[1])))
        {
            var bias = consumers[matMul.Outputs[0]].Where(n => n.OpType == "Add").SelectMany(n => n.Inputs)
                .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && named.ContainsKey(i));
            if (bias is null) continue; // not a Linear layer with a bias: nothing of BERT's
            var module = bias[..^".bias".Length];
            named[module + ".weight"] = Transposed(graph.Initializers[matMul.Inputs[1]], module + ".weight");
        }

        return named;
    }

    /// <summary>ggml lists the contiguous dimension first: row-major [rows, columns] is ggml [columns, rows].</summary>
    private static ulong[] GgmlDimensions(OnnxTensor tensor) => tensor.Dimensions.Reverse().Select(d => (ulong)d).ToArray();

    /// <summary>[in, out] row-major (an ONNX MatMul operand) to [out, in] row-major (a PyTorch Linear weight).</summary>
    private static OnnxTensor Transposed(OnnxTensor tensor, string name)
    {
        var (rows, columns) = ((int)tensor.Dimensions[0], (int)tensor.Dimensions[1]);
        var result = new float[tensor.Values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++) result[c * rows + r] = tensor.Values[r * columns + c];
        }

        return new OnnxTensor(name, [columns, rows], result);
    }

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerNumber();
}
