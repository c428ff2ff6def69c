namespace PrivateRag.Inference.Catalog;

/// <summary>
/// A recommended model: where to download it and how to configure it. Embedding presets carry the model's
/// query/document prefixes, pooling and normalisation, to copy into <c>Models:Embedding</c>.
/// </summary>
/// <param name="Sha256">Lower-case hex, or null when not pinned (then <see cref="ChecksumNote"/> says why and pull prints the hash it computed).</param>
/// <param name="ChecksumNote">Where <see cref="Sha256"/> and <see cref="SizeBytes"/> come from, and how far they were verified.</param>
public sealed record ModelPreset(
    string Name,
    string Capability,
    string Description,
    Uri Url,
    string FileName,
    long? SizeBytes,
    string? Sha256,
    string ChecksumNote,
    string License,
    int ContextSize)
{
    public string? QueryPrefix { get; init; }

    public string? DocumentPrefix { get; init; }

    /// <summary>mean, cls, last or rank (rerankers): what the GGUF declares and llama.cpp applies; for an ONNX model, what to set as <c>Models:Embedding:Pooling</c>.</summary>
    public string? Pooling { get; init; }

    public bool? Normalize { get; init; }

    public int? EmbeddingDimensions { get; init; }

    /// <summary>
    /// Files the model needs beside it (an ONNX embedder's <c>vocab.txt</c>), downloaded after it into the same folder
    /// under their own <see cref="ModelCompanion.FileName"/>, which the provider looks for (<c>NAME.vocab.txt</c>).
    /// </summary>
    public IReadOnlyList<ModelCompanion> Companions { get; init; } = [];
}

/// <summary>A file downloaded beside a preset's model file (tokenizer vocabulary and the like).</summary>
/// <param name="Sha256">Lower-case hex, or null when not pinned (as <see cref="ModelPreset.Sha256"/>).</param>
public sealed record ModelCompanion(Uri Url, string FileName, string? Sha256 = null);

/// <summary>
/// The presets <c>privaterag models list</c> shows and <c>models pull NAME</c> fetches. Nothing here was downloaded
/// from the hub on the machines this was written on (no hub is reachable there): sizes and hashes are pinned only where
/// a public source states them, and each entry says which.
/// </summary>
public static class ModelCatalog
{
    private const string Unpinned = "Not pinned: no published SHA-256 could be checked when this catalogue was written. `models pull` prints the SHA-256 it computed; pin it with --sha256 for repeatable installs.";
    private const string ThirdParty = "Size and SHA-256 as published by another project's pinned catalogue for this exact file; not re-downloaded and checked here. A mismatch fails the pull and leaves no file.";

    public static IReadOnlyList<ModelPreset> All { get; } =
    [
        new("qwen2.5-3b-instruct", ModelCapability.Chat,
            "Qwen2.5 3B Instruct, Q4_K_M. Good default for CPU or small GPUs; multilingual; 32K context.",
            new("https://huggingface.co/Qwen/Qwen2.5-3B-Instruct-GGUF/resolve/main/qwen2.5-3b-instruct-q4_k_m.gguf"),
            "qwen2.5-3b-instruct-q4_k_m.gguf", null, null, Unpinned + " About 2.1 GB.", "qwen-research", 8192),
        new("qwen2.5-7b-instruct", ModelCapability.Chat,
            "Qwen2.5 7B Instruct, Q4_K_M (single file). Best answers of the presets; wants a GPU with 8 GB or more.",
            new("https://huggingface.co/bartowski/Qwen2.5-7B-Instruct-GGUF/resolve/main/Qwen2.5-7B-Instruct-Q4_K_M.gguf"),
            "Qwen2.5-7B-Instruct-Q4_K_M.gguf", null, null, Unpinned + " About 4.7 GB.", "apache-2.0", 8192),
        new("qwen2.5-1.5b-instruct", ModelCapability.Chat,
            "Qwen2.5 1.5B Instruct, Q4_K_M. For small CPUs; noticeably weaker answers.",
            new("https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf"),
            "qwen2.5-1.5b-instruct-q4_k_m.gguf", 1_117_320_736, "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
            ThirdParty, "apache-2.0", 8192),
        new("llama-3.2-3b-instruct", ModelCapability.Chat,
            "Llama 3.2 3B Instruct, Q4_K_M. Alternative 3B chat model with a 128K trained context.",
            new("https://huggingface.co/bartowski/Llama-3.2-3B-Instruct-GGUF/resolve/main/Llama-3.2-3B-Instruct-Q4_K_M.gguf"),
            "Llama-3.2-3B-Instruct-Q4_K_M.gguf", null, null, Unpinned + " About 2.0 GB.", "llama3.2", 8192),
        new("nomic-embed-text-v1.5", ModelCapability.Embedding,
            "nomic-embed-text v1.5, Q8_0: 768-dimensional English embeddings, asymmetric (prefixes required).",
            new("https://huggingface.co/nomic-ai/nomic-embed-text-v1.5-GGUF/resolve/main/nomic-embed-text-v1.5.Q8_0.gguf"),
            "nomic-embed-text-v1.5.Q8_0.gguf", 146_146_432, "3e24342164b3d94991ba9692fdc0dd08e3fd7362e0aacc396a9a5c54a544c3b7",
            ThirdParty, "apache-2.0", 2048)
        {
            QueryPrefix = "search_query: ", DocumentPrefix = "search_document: ", Pooling = "mean", Normalize = true, EmbeddingDimensions = 768,
        },
        new("bge-small-en-v1.5", ModelCapability.Embedding,
            "BGE small English v1.5, Q8_0: 384 dimensions, fast on CPU; query instruction prefix.",
            new("https://huggingface.co/CompendiumLabs/bge-small-en-v1.5-gguf/resolve/main/bge-small-en-v1.5-q8_0.gguf"),
            "bge-small-en-v1.5-q8_0.gguf", null, null, Unpinned + " About 37 MB.", "mit", 512)
        {
            QueryPrefix = "Represent this sentence for searching relevant passages: ", DocumentPrefix = null, Pooling = "cls", Normalize = true, EmbeddingDimensions = 384,
        },
        new("bge-m3", ModelCapability.Embedding,
            "BGE-M3 (dense), Q8_0: 1024 dimensions, multilingual, up to 8K tokens; no prefixes.",
            new("https://huggingface.co/gpustack/bge-m3-GGUF/resolve/main/bge-m3-Q8_0.gguf"),
            "bge-m3-Q8_0.gguf", null, null, Unpinned + " About 635 MB.", "mit", 8192)
        {
            QueryPrefix = null, DocumentPrefix = null, Pooling = "cls", Normalize = true, EmbeddingDimensions = 1024,
        },
        // ONNX sentence-transformers (Models:Embedding:Path=FILE.onnx, run with ONNX Runtime): the fp32 exports in the
        // model authors' repositories where they publish one, with the WordPiece vocabulary as a companion file.
        // Pooling is not in the .onnx file: the configuration hint carries it (Models:Embedding:Pooling).
        OnnxEmbedder("bge-small-en-v1.5-onnx",
            "BGE small English v1.5 (ONNX, fp32): 384 dimensions, fast on CPU; query instruction prefix; CLS pooling.",
            "https://huggingface.co/BAAI/bge-small-en-v1.5/resolve/main/", "bge-small-en-v1.5", "mit", 512, "cls", " About 133 MB.")
            with { QueryPrefix = "Represent this sentence for searching relevant passages: " },
        OnnxEmbedder("e5-small-v2-onnx",
            "E5 small v2 (ONNX, fp32): 384-dimensional English embeddings, asymmetric (\"query: \" / \"passage: \"); mean pooling.",
            "https://huggingface.co/Xenova/e5-small-v2/resolve/main/", "e5-small-v2", "mit", 512, "mean", " About 133 MB; the ONNX export of intfloat/e5-small-v2 (MIT) published by Xenova.")
            with { QueryPrefix = "query: ", DocumentPrefix = "passage: " },
        OnnxEmbedder("all-minilm-l6-v2-onnx",
            "all-MiniLM-L6-v2 (ONNX, fp32): 384 dimensions, the smallest and fastest preset; symmetric (no prefixes); mean pooling; trained on 256 tokens.",
            "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/", "all-MiniLM-L6-v2", "apache-2.0", 256, "mean", " About 90 MB."),
        new("bge-reranker-v2-m3", ModelCapability.Reranker,
            "BGE reranker v2 M3, Q8_0: multilingual cross-encoder (rank pooling) for re-scoring retrieved passages.",
            new("https://huggingface.co/gpustack/bge-reranker-v2-m3-GGUF/resolve/main/bge-reranker-v2-m3-Q8_0.gguf"),
            "bge-reranker-v2-m3-Q8_0.gguf", null, null, Unpinned + " About 636 MB.", "apache-2.0", 8192)
        {
            Pooling = "rank",
        },
    ];

    /// <summary>An ONNX embedder whose repository keeps <c>onnx/model.onnx</c> and <c>vocab.txt</c> at <paramref name="repository"/>.</summary>
    private static ModelPreset OnnxEmbedder(string name, string description, string repository, string stem, string license, int maxTokens, string pooling, string size) =>
        new(name, ModelCapability.Embedding, description, new Uri(repository + "onnx/model.onnx"), stem + ".onnx", null, null,
            Unpinned + size + " URL not fetched from here (no hub is reachable).", license, maxTokens)
        {
            Pooling = pooling,
            Normalize = true,
            EmbeddingDimensions = 384,
            Companions = [new ModelCompanion(new Uri(repository + "vocab.txt"), stem + ".vocab.txt")],
        };

    public static ModelPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
