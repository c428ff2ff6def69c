namespace PrivateRag.Core.Indexing;

/// <summary>
/// The chunk index: text for lexical search, optional vectors for dense search, and the collection id that
/// permission filters apply to. Every search takes the set of collections the caller may read and applies it
/// inside the query, never afterwards.
/// </summary>
public interface IChunkIndex
{
    /// <summary>Replaces every chunk of one document in one step, so no search ever sees both versions.</summary>
    Task ReplaceDocumentAsync(Guid documentId, IReadOnlyList<IndexedChunk> chunks, CancellationToken ct = default);

    Task DeleteDocumentAsync(Guid documentId, CancellationToken ct = default);

    /// <summary>
    /// Sets who may read every chunk of one document, without touching text or vectors (no re-embedding): null means
    /// the document does not narrow its collection's access; a list (possibly empty) means only those reader tokens
    /// (see <see cref="Access.ReaderTokens"/>). A document with no chunks is a no-op.
    /// </summary>
    Task SetDocumentReadersAsync(Guid documentId, IReadOnlyCollection<string>? readers, CancellationToken ct = default);

    /// <summary>
    /// Sets the name every chunk of one document shows (a renamed or moved file), without re-embedding. The lexical
    /// index keeps the words of the name the chunks were indexed with until the document is indexed again.
    /// </summary>
    Task SetDocumentNameAsync(Guid documentId, string name, CancellationToken ct = default);

    Task<IReadOnlyList<ChunkHit>> SearchLexicalAsync(string query, IndexFilter filter, int top, CancellationToken ct = default);

    Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ReadOnlyMemory<float> vector, IndexFilter filter, int top, CancellationToken ct = default);

    /// <summary>Chunks by id, only those inside the filter.</summary>
    Task<IReadOnlyList<IndexedChunk>> GetAsync(IReadOnlyCollection<string> chunkIds, IndexFilter filter, CancellationToken ct = default);

    /// <summary>All chunks of one document in reading order, only when the document is inside the filter.</summary>
    Task<IReadOnlyList<IndexedChunk>> GetDocumentChunksAsync(Guid documentId, IndexFilter filter, CancellationToken ct = default);

    Task<IndexStats> GetStatsAsync(CancellationToken ct = default);
}

/// <summary>
/// What a query may see: the collections (empty means nothing is visible) and the caller's reader tokens. A chunk
/// whose document narrows its readers is visible only when it shares a token with <see cref="Readers"/>; null
/// <see cref="Readers"/> means the caller is not narrowed by documents (administrators, the operator's CLI). Build it
/// with <see cref="Access.CollectionAccess.FilterAsync"/> for a caller.
/// </summary>
public sealed record IndexFilter(IReadOnlyCollection<Guid> CollectionIds, IReadOnlyCollection<string>? Readers = null)
{
    /// <summary>Every document of these collections, whatever its readers: for administrators and background work only.</summary>
    public static IndexFilter For(params Guid[] ids) => new(ids);
}

/// <summary>
/// One passage with its provenance. Vector is null when no embedding model is configured. <see cref="DocumentContext"/>
/// is what the document says about itself (its title, the opening of its first page): indexed for lexical search with
/// the document name so a passage that never names its company or subject is still found by it; not returned on reads.
/// <see cref="Readers"/>: the document's narrowed readers (reader tokens), null when it keeps its collection's access.
/// <see cref="Layout"/> says where each page starts in the text and, for PDF pages with a text layer, where its words
/// are on the page; stored and returned with the chunk (null for chunks indexed before it existed).
/// </summary>
public sealed record IndexedChunk(
    string Id,
    Guid DocumentId,
    Guid CollectionId,
    string DocumentName,
    int Ordinal,
    int PageStart,
    int PageEnd,
    string? HeadingPath,
    int CharStart,
    int CharEnd,
    string Text,
    float[]? Vector = null,
    string? DocumentContext = null,
    IReadOnlyList<string>? Readers = null,
    ChunkLayout? Layout = null)
{
    /// <summary>
    /// The page the chunk's character at <paramref name="offset"/> (relative to <see cref="Text"/>) is on: a chunk spanning
    /// several pages cites the page of the words actually cited, not its first page.
    /// </summary>
    public int PageAt(int offset) =>
        Math.Clamp(Layout?.PageAt(Math.Clamp(offset, 0, Math.Max(0, Text.Length - 1))) ?? PageStart, PageStart, Math.Max(PageStart, PageEnd));

    /// <summary>Deterministic id: a re-run of the same document overwrites instead of duplicating.</summary>
    public static string MakeId(Guid documentId, int ordinal) => $"{documentId:N}-{ordinal:D5}";
}

public sealed record ChunkHit(IndexedChunk Chunk, double Score);

public sealed record IndexStats(long Chunks, long Documents, int? VectorDimensions);
