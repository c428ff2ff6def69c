using System.Text;

namespace PrivateRag.Inference.Tests.Support;

/// <summary>The input/output layout of a <see cref="TinyOnnxModel"/>.</summary>
public enum TinyOnnxLayout
{
    /// <summary>input_ids, attention_mask -> token_embeddings (no token_type_ids input).</summary>
    TokenEmbeddingsWithoutTokenTypes,

    /// <summary>input_ids, attention_mask, token_type_ids -> last_hidden_state (token type 1 would add 100 to every value).</summary>
    LastHiddenStateWithTokenTypes,

    /// <summary>input_ids, attention_mask -> token_embeddings and sentence_embedding (the mean over the sequence, pooled in the graph).</summary>
    PooledSentenceEmbedding,
}

/// <summary>
/// Writes a tiny ONNX "encoder" whose outputs can be computed by hand, to check what the ONNX provider feeds a model
/// and how it reads the outputs: token id i embeds as (i, 1, -i, 0.5), multiplied by its attention mask (so padding
/// is zero). Hand-written protobuf for the fields of onnx.proto it uses (IR version 8, opset 13).
/// </summary>
public static class TinyOnnxModel
{
    public const int Width = 4;

    /// <summary>The WordPiece vocabulary that goes with it: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, hello=5, world=6, again=7.</summary>
    public static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "again"];

    public static void Write(string path, TinyOnnxLayout layout)
    {
        var table = Enumerable.Range(0, Vocabulary.Length).SelectMany(i => new[] { i, 1f, -i, 0.5f }).ToArray();
        var graph = new Proto();
        graph.Message(5, Tensor("table", [Vocabulary.Length, Width], table));
        graph.Message(5, Int64Tensor("axis2", [1], [2]));
        graph.Message(1, Node("Gather", ["table", "input_ids"], ["embedded"]));
        graph.Message(1, Node("Cast", ["attention_mask"], ["mask_float"], new Proto().String(1, "to").Varint(3, 1).Varint(20, 2)));
        graph.Message(1, Node("Unsqueeze", ["mask_float", "axis2"], ["mask3"]));
        var tokenOutput = layout == TinyOnnxLayout.LastHiddenStateWithTokenTypes ? "last_hidden_state" : "token_embeddings";
        if (layout == TinyOnnxLayout.LastHiddenStateWithTokenTypes)
        {
            graph.Message(5, Tensor("types", [2, Width], [0, 0, 0, 0, 100, 100, 100, 100]));
            graph.Message(1, Node("Gather", ["types", "token_type_ids"], ["typed"]));
            graph.Message(1, Node("Add", ["embedded", "typed"], ["summed"]));
            graph.Message(1, Node("Mul", ["summed", "mask3"], [tokenOutput]));
        }
        else
        {
            graph.Message(1, Node("Mul", ["embedded", "mask3"], [tokenOutput]));
        }

        if (layout == TinyOnnxLayout.PooledSentenceEmbedding)
            graph.Message(1, Node("ReduceMean", [tokenOutput], ["sentence_embedding"], new Proto().String(1, "axes").Varint(8, 1).Varint(20, 7), new Proto().String(1, "keepdims").Varint(3, 0).Varint(20, 2)));

        graph.String(2, "tiny");
        graph.Message(11, Value("input_ids", 7, "batch", "sequence"));
        graph.Message(11, Value("attention_mask", 7, "batch", "sequence"));
        if (layout == TinyOnnxLayout.LastHiddenStateWithTokenTypes) graph.Message(11, Value("token_type_ids", 7, "batch", "sequence"));
        graph.Message(12, Value(tokenOutput, 1, "batch", "sequence", Width));
        if (layout == TinyOnnxLayout.PooledSentenceEmbedding) graph.Message(12, Value("sentence_embedding", 1, "batch", Width));

        var model = new Proto().Varint(1, 8).Message(8, new Proto().String(1, "").Varint(2, 13)).String(2, "privaterag-tests").Message(7, graph);
        File.WriteAllBytes(path, model.ToArray());
    }

    private static Proto Node(string op, string[] inputs, string[] outputs, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (var input in inputs) node.String(1, input);
        foreach (var output in outputs) node.String(2, output);
        node.String(3, $"{op}_{outputs[0]}").String(4, op);
        foreach (var attribute in attributes) node.Message(5, attribute);
        return node;
    }

    private static Proto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (var d in dims) tensor.Varint(1, (ulong)d);
        tensor.Varint(2, 1).String(8, name);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return tensor.Bytes(9, bytes);
    }

    private static Proto Int64Tensor(string name, long[] dims, long[] values)
    {
        var tensor = new Proto();
        foreach (var d in dims) tensor.Varint(1, (ulong)d);
        tensor.Varint(2, 7).String(8, name);
        var bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return tensor.Bytes(9, bytes);
    }

    /// <summary>A ValueInfoProto of a tensor: element type (1 float, 7 int64) and dimensions (symbolic names or sizes).</summary>
    private static Proto Value(string name, int elementType, params object[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
            shape.Message(1, dim is string symbol ? new Proto().String(2, symbol) : new Proto().Varint(1, (ulong)(int)dim));
        var tensorType = new Proto().Varint(1, (ulong)elementType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>Protobuf encoding: varint fields (wire 0) and length-delimited bytes, strings and messages (wire 2).</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public byte[] ToArray() => _bytes.ToArray();

        public Proto Varint(int field, ulong value)
        {
            WriteVarint((ulong)field << 3);
            WriteVarint(value);
            return this;
        }

        public Proto Bytes(int field, byte[] value)
        {
            WriteVarint(((ulong)field << 3) | 2);
            WriteVarint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
