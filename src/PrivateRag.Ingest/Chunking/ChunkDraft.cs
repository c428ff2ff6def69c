namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// One chunk before it is stored. Text equals <c>ExtractedDocumentText.Build(document).Text[CharStart..CharEnd]</c>
/// and includes the overlap repeated from the previous chunk. Ordinal counts from 0; pages are 1-based and inclusive;
/// HeadingPath is like "Chapter 1 > Section 1.2", or null before the first heading.
/// </summary>
public sealed record ChunkDraft(int Ordinal, string Text, int PageStart, int PageEnd, string? HeadingPath, int CharStart, int CharEnd);
