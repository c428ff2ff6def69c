using System.Runtime.InteropServices;
using System.Text;

namespace PrivateRag.Inference.Tests.Support;

/// <summary>An ONNX initializer (a weight): its shape and float32 values.</summary>
public sealed record OnnxTensor(string Name, long[] Dimensions, float[] Values);

/// <summary>An ONNX graph node: operator, inputs and outputs by name.</summary>
public sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs);

/// <summary>
/// The parts of an ONNX model (a protobuf <c>ModelProto</c>) needed to copy its weights elsewhere: the graph's nodes
/// and its float32 initializers. A minimal protobuf reader over the file's bytes, for the field numbers of onnx.proto
/// (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1, output = 2, name = 3,
/// op_type = 4; TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9, data_location = 14).
/// </summary>
public sealed class OnnxGraph
{
    private const int FloatType = 1;

    private OnnxGraph(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxTensor> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    public static OnnxGraph Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var model = new Reader(bytes, 0, bytes.Length);
        while (model.Next(out var field, out var wire))
        {
            if (field == 7 && wire == 2) return ReadGraph(model.Slice());
            model.Skip(wire);
        }

        throw new InvalidDataException($"{path} has no graph: it is not an ONNX model.");
    }

    private static OnnxGraph ReadGraph(Reader graph)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        while (graph.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                nodes.Add(ReadNode(graph.Slice()));
            }
            else if (field == 5 && wire == 2)
            {
                if (ReadTensor(graph.Slice()) is { } tensor) initializers[tensor.Name] = tensor;
            }
            else
            {
                graph.Skip(wire);
            }
        }

        return new OnnxGraph(nodes, initializers);
    }

    private static OnnxNode ReadNode(Reader node)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", op = "";
        while (node.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): inputs.Add(node.String()); break;
                case (2, 2): outputs.Add(node.String()); break;
                case (3, 2): name = node.String(); break;
                case (4, 2): op = node.String(); break;
                default: node.Skip(wire); break;
            }
        }

        return new OnnxNode(name, op, [.. inputs], [.. outputs]);
    }

    /// <summary>A float32 initializer stored in the file, or null for other types (int64 shape constants and the like).</summary>
    private static OnnxTensor? ReadTensor(Reader tensor)
    {
        var dims = new List<long>();
        var type = 0;
        var name = "";
        float[]? values = null;
        var external = false;
        while (tensor.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 0): dims.Add((long)tensor.Varint()); break;
                case (1, 2):
                    var packed = tensor.Slice();
                    while (!packed.End) dims.Add((long)packed.Varint());
                    break;
                case (2, 0): type = (int)tensor.Varint(); break;
                case (4, 2): values = MemoryMarshal.Cast<byte, float>(tensor.Bytes()).ToArray(); break;
                case (8, 2): name = tensor.String(); break;
                case (9, 2): values = MemoryMarshal.Cast<byte, float>(tensor.Bytes()).ToArray(); break;
                case (14, 0): external = tensor.Varint() == 1; break;
                default: tensor.Skip(wire); break;
            }
        }

        if (external) throw new NotSupportedException($"Initializer '{name}' is stored in an external data file; only self-contained ONNX models are read.");
        return type == FloatType ? new OnnxTensor(name, [.. dims], values ?? []) : null;
    }

    /// <summary>Protobuf wire format over a byte range: varints (wire 0), 64-bit (1), length-delimited (2), 32-bit (5).</summary>
    private ref struct Reader(byte[] bytes, int start, int end)
    {
        private int _position = start;

        public readonly bool End => _position >= end;

        public bool Next(out int field, out int wire)
        {
            if (End)
            {
                field = wire = 0;
                return false;
            }

            var key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }

            throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = checked((int)Varint());
            if (length < 0 || _position + length > end) throw new InvalidDataException("A protobuf field runs past its message.");
            var span = bytes.AsSpan(_position, length);
            _position += length;
            return span;
        }

        public Reader Slice()
        {
            var length = checked((int)Varint());
            if (length < 0 || _position + length > end) throw new InvalidDataException("A protobuf message runs past its parent.");
            var slice = new Reader(bytes, _position, _position + length);
            _position += length;
            return slice;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"Protobuf wire type {wire} is not supported.");
            }
        }
    }
}
