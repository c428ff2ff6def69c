using System.Globalization;

namespace PrivateRag.Inference.Gguf;

/// <summary>What <c>privaterag models inspect FILE.gguf</c> prints: read from the GGUF header alone, without loading the weights.</summary>
public sealed record GgufModelInfo(
    string File,
    long FileBytes,
    uint GgufVersion,
    string? Architecture,
    string? Name,
    long Parameters,
    long? ContextLength,
    string Quantization,
    long? EmbeddingLength,
    long? BlockCount,
    long? VocabularySize,
    bool HasChatTemplate,
    string? PoolingType,
    int Tensors)
{
    /// <summary>llama.cpp's <c>llama_ftype</c> names (<c>general.file_type</c>).</summary>
    private static readonly Dictionary<int, string> FileTypes = new()
    {
        [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1", [7] = "Q8_0", [8] = "Q5_0", [9] = "Q5_1", [10] = "Q2_K",
        [11] = "Q3_K_S", [12] = "Q3_K_M", [13] = "Q3_K_L", [14] = "Q4_K_S", [15] = "Q4_K_M", [16] = "Q5_K_S",
        [17] = "Q5_K_M", [18] = "Q6_K", [19] = "IQ2_XXS", [20] = "IQ2_XS", [21] = "Q2_K_S", [22] = "IQ3_XS",
        [23] = "IQ3_XXS", [24] = "IQ1_S", [25] = "IQ4_NL", [26] = "IQ3_S", [27] = "IQ3_M", [28] = "IQ2_S", [29] = "IQ2_M",
        [30] = "IQ4_XS", [31] = "IQ1_M", [32] = "BF16", [36] = "TQ1_0", [37] = "TQ2_0", [38] = "MXFP4_MOE",
    };

    private static readonly string[] Poolings = ["none", "mean", "cls", "last", "rank"];

    public static GgufModelInfo Read(string path)
    {
        var document = GgufDocument.Read(path);
        var arch = document.Get("general.architecture") as string;
        long? Number(string key) => document.Get(key) is { } v and not GgufArray and not string
            ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
        long? ArchNumber(string suffix) => arch is null ? null : Number($"{arch}.{suffix}");

        var vocabulary = document.Get("tokenizer.ggml.tokens") is GgufArray tokens ? tokens.Values.Count : ArchNumber("vocab_size");
        var pooling = ArchNumber("pooling_type") is { } p && p >= 0 && p < Poolings.Length ? Poolings[p] : null;
        return new GgufModelInfo(
            Path.GetFileName(path),
            new FileInfo(path).Length,
            document.Version,
            arch,
            document.Get("general.name") as string,
            (long)document.Tensors.Aggregate(0UL, (sum, t) => sum + t.Elements),
            ArchNumber("context_length"),
            QuantizationOf(document),
            ArchNumber("embedding_length"),
            ArchNumber("block_count"),
            vocabulary,
            document.Get("tokenizer.chat_template") is string template && template.Length > 0,
            pooling,
            document.Tensors.Count)
        {
            HeadCount = ArchNumber("attention.head_count"),
            KvHeadCount = ArchNumber("attention.head_count_kv"),
            KeyLength = ArchNumber("attention.key_length"),
            ValueLength = ArchNumber("attention.value_length"),
        };
    }

    /// <summary>Attention heads (<c>{arch}.attention.head_count</c>); null when absent or per-layer.</summary>
    public long? HeadCount { get; init; }

    /// <summary>Key/value heads (grouped-query attention); absent means one per attention head.</summary>
    public long? KvHeadCount { get; init; }

    /// <summary>Width of one key head when the file states it (else embedding size / heads).</summary>
    public long? KeyLength { get; init; }

    /// <summary>Width of one value head when the file states it (else embedding size / heads).</summary>
    public long? ValueLength { get; init; }

    /// <summary>
    /// KV cache bytes one token takes with llama.cpp's default f16 cache: layers x KV heads x (key + value width) x 2
    /// bytes. Null when the header lacks the numbers (e.g. per-layer head counts), rather than a wrong guess.
    /// </summary>
    public long? KvCacheBytesPerToken
    {
        get
        {
            if (BlockCount is not { } layers || HeadCount is not > 0 || EmbeddingLength is not { } width) return null;
            var headWidth = width / HeadCount.Value;
            var kvHeads = KvHeadCount ?? HeadCount.Value;
            return layers * kvHeads * ((KeyLength ?? headWidth) + (ValueLength ?? headWidth)) * 2;
        }
    }

    private static string QuantizationOf(GgufDocument document)
    {
        if (document.Get("general.file_type") is { } ft and not GgufArray and not string)
        {
            var code = Convert.ToInt32(ft, CultureInfo.InvariantCulture);
            return FileTypes.TryGetValue(code, out var name) ? name : $"file type {code}";
        }

        // Older files: the type holding most of the weights.
        var dominant = document.Tensors.GroupBy(t => t.Type).MaxBy(g => g.Aggregate(0UL, (s, t) => s + t.Elements));
        return dominant?.Key.ToString() ?? "unknown";
    }

    /// <summary>Parameters in short form: 513K, 110M, 7.6B.</summary>
    public string ParametersShort => Parameters switch
    {
        >= 1_000_000_000 => (Parameters / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (Parameters / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (Parameters / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => Parameters.ToString(CultureInfo.InvariantCulture),
    };
}
