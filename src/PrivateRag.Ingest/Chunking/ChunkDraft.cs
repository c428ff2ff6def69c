using PrivateRag.Core.Indexing;

namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// One chunk before it is stored. Text equals <c>ExtractedDocumentText.Build(document).Text[CharStart..CharEnd]</c>
/// and includes the overlap repeated from the previous chunk. Ordinal counts from 0; pages are 1-based and inclusive;
/// HeadingPath is like "Chapter 1 > Section 1.2", or null before the first heading. Layout says where each page starts
/// in Text and, when the blocks carried geometry, where the words are on the page.
/// </summary>
public sealed record ChunkDraft(int Ordinal, string Text, int PageStart, int PageEnd, string? HeadingPath, int CharStart, int CharEnd,
    ChunkLayout? Layout = null);
