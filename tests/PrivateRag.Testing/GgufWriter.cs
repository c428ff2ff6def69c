using System.Collections;
using System.Text;
using PrivateRag.Inference.Gguf;

namespace PrivateRag.Testing;

/// <summary>
/// Writes a GGUF version 3 file: header, metadata, tensor descriptions, then each tensor's data at an aligned offset
/// (<c>general.alignment</c>, default 32), as the format specification lays it out.
/// </summary>
public static class GgufWriter
{
    /// <param name="writeData">Writes exactly <see cref="GgufDocument.DataSize"/> bytes of the given tensor.</param>
    public static void Write(
        Stream output,
        IReadOnlyList<KeyValuePair<string, GgufValue>> metadata,
        IReadOnlyList<(string Name, ulong[] Dimensions, GgmlType Type)> tensors,
        Action<int, Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(writeData);
        var alignment = metadata.FirstOrDefault(kv => kv.Key == "general.alignment").Value.Value is uint a ? a : 32u;

        using var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)value.Type);
            WriteValue(writer, value.Type, value.Value);
        }

        var sizes = new ulong[tensors.Count];
        ulong offset = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, dims, type) = tensors[i];
            WriteString(writer, name);
            writer.Write((uint)dims.Length);
            foreach (var d in dims) writer.Write(d);
            writer.Write((uint)type);
            writer.Write(offset);
            sizes[i] = GgufDocument.DataSize(type, dims.Aggregate(1UL, (p, d) => p * d));
            if (sizes[i] == 0) throw new NotSupportedException($"Writing {type} tensors is not supported.");
            offset = (ulong)GgufDocument.Align((long)(offset + sizes[i]), alignment);
        }

        writer.Flush();
        Pad(output, alignment);
        for (var i = 0; i < tensors.Count; i++)
        {
            var start = output.Position;
            writeData(i, output);
            if ((ulong)(output.Position - start) != sizes[i])
                throw new InvalidOperationException($"Tensor '{tensors[i].Name}' wrote {output.Position - start} bytes, expected {sizes[i]}.");
            Pad(output, alignment);
        }
    }

    private static void Pad(Stream output, uint alignment)
    {
        var padding = GgufDocument.Align(output.Position, alignment) - output.Position;
        for (var i = 0; i < padding; i++) output.WriteByte(0);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write(Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int8: writer.Write(Convert.ToSByte(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.UInt16: writer.Write(Convert.ToUInt16(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int16: writer.Write(Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.UInt32: writer.Write(Convert.ToUInt32(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int32: writer.Write(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Float32: writer.Write(Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Bool: writer.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.UInt64: writer.Write(Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Int64: writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Float64: writer.Write(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case GgufValueType.Array:
                var array = (GgufArray)value;
                writer.Write((uint)array.ElementType);
                writer.Write((ulong)array.Values.Count);
                foreach (var item in (IEnumerable)array.Values) WriteValue(writer, array.ElementType, item!);
                break;
            default: throw new NotSupportedException($"GGUF value type {type}.");
        }
    }
}
