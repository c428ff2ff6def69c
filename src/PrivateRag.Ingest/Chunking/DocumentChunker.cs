using PrivateRag.Core.Indexing;
using PrivateRag.Core.Text;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Chunking;

/// <summary>
/// Cuts an extracted document into chunks that follow its structure. A heading starts a new chunk when the current
/// one has content; paragraphs (and table rows) are kept whole when they fit the TargetTokens budget; a longer
/// paragraph is split at sentence boundaries (then line breaks, then between words; inside a "word" only when one
/// word alone exceeds the budget). When a chunk is closed because it is full, its trailing sentences of up to
/// OverlapTokens are repeated at the start of the next chunk of the same section. A document of at most
/// WholeDocumentTokens is filled up to MaxTokens instead, so it stays one chunk unless headings divide it. Same input,
/// same chunks.
/// </summary>
public sealed class DocumentChunker
{
    private readonly ChunkingOptions _options;
    private readonly ITokenCounter _counter;

    /// <exception cref="ArgumentException">The sizes break the rules <see cref="ChunkingOptions"/> states (the app checks them at start).</exception>
    public DocumentChunker(ChunkingOptions options, ITokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counter);
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), problems, validateAllProperties: true))
            throw new ArgumentException(string.Join(" ", problems.Select(p => p.ErrorMessage)), nameof(options));
        _options = options;
        _counter = counter;
    }

    public IReadOnlyList<ChunkDraft> Chunk(ExtractedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var target = _options.TargetTokens;
        var max = _options.EffectiveMaxTokens;
        var overlap = _options.EffectiveOverlapTokens;

        var full = ExtractedDocumentText.Build(document);
        // A short document is not cut by size (headings still cut). Its whole count decides, not the sum of its
        // sentences' counts, which a counter rounding per piece puts higher; the whole is within MaxTokens.
        if (_options.EffectiveWholeDocumentTokens > 0 && _counter.Count(full.Text) <= _options.EffectiveWholeDocumentTokens)
            target = max = int.MaxValue / 4;
        var builder = new Builder(full.Text, target, max, overlap);
        var headings = new string?[6];
        string? path = null;
        for (var b = 0; b < document.Blocks.Count; b++)
        {
            var block = document.Blocks[b];
            var offset = full.BlockStarts[b];
            var page = Math.Max(1, block.Page);
            if (block.Kind == BlockKind.Heading)
            {
                var level = Math.Clamp(block.HeadingLevel, 1, 6);
                headings[level - 1] = block.Text.Trim();
                for (var deeper = level; deeper < headings.Length; deeper++) headings[deeper] = null;
                var parts = headings.Where(h => !string.IsNullOrEmpty(h)).ToList();
                path = parts.Count == 0 ? null : string.Join(" > ", parts);
                builder.AddHeading(Units(block, offset, page, path, target, isHeading: true));
            }
            else
            {
                builder.AddParagraph(Units(block, offset, page, path, target, isHeading: false));
            }
        }
        builder.Finish();
        return [.. builder.Chunks.Select(c => WithWords(c, document, full))];
    }

    /// <summary>Adds the geometry of the words inside the chunk (from blocks that carry it), offsets made chunk-relative.</summary>
    private static ChunkDraft WithWords(ChunkDraft chunk, ExtractedDocument document, ExtractedDocumentText full)
    {
        var words = new List<WordBox>();
        var starts = full.BlockStarts;
        // First block that could overlap: the last one starting at or before the chunk.
        var lo = 0;
        var hi = starts.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (starts[mid] <= chunk.CharStart) lo = mid; else hi = mid - 1;
        }
        for (var b = lo; b < starts.Count && starts[b] < chunk.CharEnd; b++)
        {
            var block = document.Blocks[b];
            if (block.Geometry is not { } g) continue;
            var rotation = ((g.Rotation % 360) + 360) % 360 / 90 * 90;
            for (var i = 0; i < g.Count; i++)
            {
                var start = starts[b] + g.Offsets[2 * i];
                var end = starts[b] + g.Offsets[2 * i + 1];
                if (start < chunk.CharStart || end > chunk.CharEnd) continue;
                words.Add(new WordBox(start - chunk.CharStart, end - chunk.CharStart, Math.Max(1, block.Page), rotation,
                    g.Boxes[4 * i], g.Boxes[4 * i + 1], g.Boxes[4 * i + 2], g.Boxes[4 * i + 3]));
            }
        }
        if (words.Count == 0) return chunk;
        words.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return chunk with { Layout = new ChunkLayout(chunk.Layout?.Pages ?? [new PageStart(0, chunk.PageStart)], words) };
    }

    /// <summary>The block as sentence-sized units (table rows for tables), each within the target budget.</summary>
    private List<Unit> Units(ExtractedBlock block, int offset, int page, string? path, int target, bool isHeading)
    {
        var text = block.Text;
        var whole = new Segment(0, text.Length);
        var pieces = new List<Segment>();
        var first = block.Kind == BlockKind.Table ? TextSegmenter.Lines(text, whole)
            : isHeading ? [whole]
            : TextSegmenter.Sentences(text);
        foreach (var piece in first)
        {
            if (Cost(text, piece) <= target) { pieces.Add(piece); continue; }
            foreach (var line in TextSegmenter.Lines(text, piece))
            {
                if (Cost(text, line) <= target) pieces.Add(line);
                else pieces.AddRange(TextSegmenter.WordWindows(text, line, target, _counter));
            }
        }
        return [.. pieces.Select(p => new Unit(offset + p.Start, offset + p.End, page, Cost(text, p), isHeading, path))];
    }

    private int Cost(string text, Segment s) => _counter.Count(text[s.Start..s.End]);

    private sealed record Unit(int Start, int End, int Page, int Tokens, bool IsHeading, string? Path)
    {
        public bool Carried { get; init; }
    }

    private sealed class Builder(string text, int target, int max, int overlap)
    {
        private readonly List<Unit> _current = [];
        private int _tokens;

        public List<ChunkDraft> Chunks { get; } = [];

        private bool HasContent => _current.Any(u => !u.Carried && !u.IsHeading);

        private bool HasOwnUnits => _current.Any(u => !u.Carried);

        public void AddHeading(List<Unit> units)
        {
            if (HasContent) Emit(carryOverlap: false);
            else DropCarried();
            foreach (var unit in units)
            {
                if (_current.Count > 0 && _tokens + unit.Tokens > target) Emit(carryOverlap: false);
                Append(unit);
            }
        }

        public void AddParagraph(List<Unit> units)
        {
            if (units.Count == 0) return;
            var total = units.Sum(u => u.Tokens);
            if (_tokens + total <= target)
            {
                units.ForEach(Append);
                return;
            }
            if (total <= target)
            {
                // Keep the paragraph whole: start a new chunk rather than splitting it.
                if (HasContent) Emit(carryOverlap: true);
                MakeRoom(total);
                units.ForEach(Append);
                return;
            }
            foreach (var unit in units)
            {
                if (_tokens + unit.Tokens > target && HasContent) Emit(carryOverlap: true);
                MakeRoom(unit.Tokens);
                Append(unit);
            }
        }

        public void Finish()
        {
            if (HasOwnUnits) Emit(carryOverlap: false);
            _current.Clear();
        }

        private void Append(Unit unit)
        {
            _current.Add(unit);
            _tokens += unit.Tokens;
        }

        /// <summary>Drops carried overlap (then closes a headings-only chunk) until <paramref name="tokens"/> more fit under MaxTokens.</summary>
        private void MakeRoom(int tokens)
        {
            while (_tokens + tokens > max && _current.Count > 0 && _current[0].Carried)
            {
                _tokens -= _current[0].Tokens;
                _current.RemoveAt(0);
            }
            if (_tokens + tokens > max && HasOwnUnits) Emit(carryOverlap: false);
        }

        private void DropCarried()
        {
            _current.RemoveAll(u => u.Carried);
            _tokens = _current.Sum(u => u.Tokens);
        }

        private void Emit(bool carryOverlap)
        {
            if (_current.Count == 0) return;
            var start = _current[0].Start;
            var end = _current[^1].End;
            // Where each page starts inside the chunk, so a citation of any part of it names that part's own page.
            var pages = new List<PageStart>();
            foreach (var unit in _current)
            {
                if (pages.Count == 0 || pages[^1].Page != unit.Page) pages.Add(new PageStart(pages.Count == 0 ? 0 : unit.Start - start, unit.Page));
            }
            Chunks.Add(new ChunkDraft(
                Chunks.Count,
                text[start..end],
                _current.Min(u => u.Page),
                _current.Max(u => u.Page),
                _current[^1].Path,
                start,
                end,
                new ChunkLayout(pages, [])));

            var carried = new List<Unit>();
            if (carryOverlap && overlap > 0)
            {
                var budget = overlap;
                for (var i = _current.Count - 1; i >= 0; i--)
                {
                    var unit = _current[i];
                    if (unit.IsHeading || unit.Tokens > budget) break;
                    budget -= unit.Tokens;
                    carried.Insert(0, unit with { Carried = true });
                }
                // Never carry the whole chunk: the next one must start with something new.
                if (carried.Count == _current.Count) carried.Clear();
            }
            _current.Clear();
            _current.AddRange(carried);
            _tokens = carried.Sum(u => u.Tokens);
        }
    }
}
