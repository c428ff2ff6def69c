using System.Collections;
using System.Text;

namespace PrivateRag.Inference.Gguf;

/// <summary>GGUF metadata value types (the spec's <c>gguf_metadata_value_type</c>).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9,
    UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>The ggml tensor types this project reads sizes of and writes (the spec's <c>ggml_type</c>).</summary>
public enum GgmlType : uint
{
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9, Q2_K = 10, Q3_K = 11, Q4_K = 12,
    Q5_K = 13, Q6_K = 14, Q8_K = 15, IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21,
    IQ2_S = 22, IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35,
    MXFP4 = 39,
}

/// <summary>A metadata value: scalars as their .NET type, strings as string, arrays as <see cref="GgufArray"/>.</summary>
public readonly record struct GgufValue(GgufValueType Type, object Value)
{
    public override string ToString() => Value switch
    {
        GgufArray array => $"[{array.ElementType} x {array.Values.Count}]",
        _ => Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

public sealed record GgufArray(GgufValueType ElementType, IList Values);

/// <param name="Dimensions">ggml order: the first dimension is the contiguous one.</param>
/// <param name="Offset">From the start of the tensor data section.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Dimensions, GgmlType Type, ulong Offset)
{
    public ulong Elements => Dimensions.Aggregate(1UL, (a, d) => a * d);
}

/// <summary>
/// The header of a GGUF file (format versions 2 and 3): metadata key/values and tensor descriptions, without the
/// tensor data. Lengths read from the file are bounded, so a damaged or hostile file fails with <see cref="InvalidDataException"/>.
/// </summary>
public sealed class GgufDocument
{
    private const int MaxStringBytes = 64 << 20;
    private const ulong MaxArrayLength = 1 << 26;
    private const ulong MaxCount = 1 << 24;

    public GgufDocument(uint version, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata, IReadOnlyList<GgufTensorInfo> tensors, long dataOffset)
    {
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
    }

    public uint Version { get; }

    /// <summary>In file order.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Where tensor data starts in the file.</summary>
    public long DataOffset { get; }

    public uint Alignment => Get("general.alignment") is { } a ? Convert.ToUInt32(a, System.Globalization.CultureInfo.InvariantCulture) : 32;

    /// <summary>A metadata value (scalar, string or <see cref="GgufArray"/>), or null.</summary>
    public object? Get(string key)
    {
        foreach (var (k, v) in Metadata)
        {
            if (k == key) return v.Value;
        }

        return null;
    }

    public static GgufDocument Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        return Read(stream);
    }

    public static GgufDocument Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual("GGUF"u8))
                throw new InvalidDataException("Not a GGUF file: it does not start with the 'GGUF' magic bytes.");
            var version = reader.ReadUInt32();
            if (version is < 2 or > 3) throw new InvalidDataException($"GGUF version {version} is not supported (2 and 3 are).");
            var tensorCount = Bounded(reader.ReadUInt64(), MaxCount, "tensor count");
            var kvCount = Bounded(reader.ReadUInt64(), MaxCount, "metadata count");

            var metadata = new List<KeyValuePair<string, GgufValue>>((int)kvCount);
            for (ulong i = 0; i < kvCount; i++)
            {
                var key = ReadString(reader);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata.Add(new(key, new GgufValue(type, ReadValue(reader, type))));
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            for (ulong i = 0; i < tensorCount; i++)
            {
                var name = ReadString(reader);
                var dims = reader.ReadUInt32();
                if (dims is 0 or > 8) throw new InvalidDataException($"Tensor '{name}' has {dims} dimensions.");
                var shape = new ulong[dims];
                for (var d = 0; d < dims; d++) shape[d] = reader.ReadUInt64();
                tensors.Add(new GgufTensorInfo(name, shape, (GgmlType)reader.ReadUInt32(), reader.ReadUInt64()));
            }

            var document = new GgufDocument(version, metadata, tensors, 0);
            var alignment = document.Alignment;
            var dataOffset = Align(stream.Position, alignment);
            return new GgufDocument(version, metadata, tensors, dataOffset);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The GGUF header is cut short (an incomplete download?).");
        }
    }

    internal static long Align(long position, uint alignment) => (position + alignment - 1) / alignment * alignment;

    private static ulong Bounded(ulong value, ulong max, string what) =>
        value <= max ? value : throw new InvalidDataException($"The GGUF {what} {value} is implausibly large; the file is damaged.");

    private static string ReadString(BinaryReader reader)
    {
        var length = Bounded(reader.ReadUInt64(), MaxStringBytes, "string length");
        var bytes = reader.ReadBytes((int)length);
        if (bytes.Length != (int)length) throw new EndOfStreamException();
        return Encoding.UTF8.GetString(bytes);
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"Unknown GGUF metadata value type {(uint)type}."),
    };

    private static GgufArray ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var length = (int)Bounded(reader.ReadUInt64(), MaxArrayLength, "array length");
        IList values = elementType switch
        {
            GgufValueType.String => new List<string>(length),
            GgufValueType.Float32 => new List<float>(length),
            GgufValueType.Int32 => new List<int>(length),
            _ => new List<object>(length),
        };
        for (var i = 0; i < length; i++) values.Add(ReadValue(reader, elementType));
        return new GgufArray(elementType, values);
    }

    /// <summary>Bytes of one tensor's data (0 for a type whose block size is not known here).</summary>
    public static ulong DataSize(GgmlType type, ulong elements) => type switch
    {
        GgmlType.F32 or GgmlType.I32 => elements * 4,
        GgmlType.F16 or GgmlType.BF16 or GgmlType.I16 => elements * 2,
        GgmlType.F64 or GgmlType.I64 => elements * 8,
        GgmlType.I8 => elements,
        GgmlType.Q4_0 => elements / 32 * 18,
        GgmlType.Q4_1 => elements / 32 * 20,
        GgmlType.Q5_0 => elements / 32 * 22,
        GgmlType.Q5_1 => elements / 32 * 24,
        GgmlType.Q8_0 => elements / 32 * 34,
        GgmlType.Q2_K => elements / 256 * 84,
        GgmlType.Q3_K => elements / 256 * 110,
        GgmlType.Q4_K => elements / 256 * 144,
        GgmlType.Q5_K => elements / 256 * 176,
        GgmlType.Q6_K => elements / 256 * 210,
        _ => 0,
    };
}
