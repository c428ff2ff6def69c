using UglyToad.PdfPig.Content;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// A cheap layout for upright, single-column pages: words grouped into lines by baseline, lines split into cells at
/// wide gaps, runs of multi-cell lines kept as table rows ("cell | cell"), other lines joined into paragraphs at
/// normal line spacing. It costs a few per cent of Docstrum segmentation plus reading-order detection, which is where
/// most of the reading time went on report-style PDFs. Pages whose lines break at a shared gutter with prose on both
/// sides (newspaper or paper columns) are left to the column-aware path: <see cref="TryRead"/> returns null for them.
/// </summary>
internal static class PdfLineLayout
{
    // A gap wider than this many ems splits a line into cells: word spaces (even stretched justified ones) stay below
    // it, while table columns and column gutters are wider (LaTeX's default gutter is one em).
    private const double CellGapEms = 0.8;

    // Lines further apart than this many typical line spacings start a new paragraph.
    private const double ParagraphSpacings = 1.45;

    // A gutter: an x position no more than this share of lines cross, with prose lines wholly on both sides of it.
    private const double GutterCrossingShare = 0.15;
    private const int GutterMinLinesPerSide = 5;
    private const int RunningWords = 5;

    private static readonly string[] LeadingSymbols = ["$", "€", "£", "¥", "(", "$(", "US$"];
    private static readonly string[] TrailingSymbols = [")", "%", ")%", "%)", "*"];

    public sealed record Block(bool IsTable, string Text, double FontSize, int Lines, int Characters, IReadOnlyList<Word> Words);

    /// <summary>Blocks in reading order, or null when the page has columns and needs the column-aware segmenter.</summary>
    public static IReadOnlyList<Block>? TryRead(IReadOnlyList<Word> words)
    {
        if (words.Count == 0) return [];
        var lines = GroupLines(words);
        if (HasColumns(lines)) return null;
        return BuildBlocks(lines);
    }

    private sealed class PlacedWord(Word word)
    {
        public Word Word { get; } = word;
        public string Text { get; } = word.Text;
        public double Left { get; } = word.BoundingBox.Left;
        public double Right { get; } = word.BoundingBox.Right;
        public double Baseline { get; } = word.Letters.Count > 0 ? word.Letters[0].StartBaseLine.Y : word.BoundingBox.Bottom;
        public double Size { get; } = FontSize(word);
    }

    private sealed class Line
    {
        public List<PlacedWord> Words { get; } = [];
        public List<List<PlacedWord>> Cells { get; } = [];
        public double Baseline { get; set; }
        public double Size { get; set; }
        public double Left => Cells[0][0].Left;
        public double Right => Cells[^1][^1].Right;
        public bool IsRow => Cells.Count > 1;

        /// <summary>A row with another row next to it: one line with a wide gap inside a paragraph is not a table.</summary>
        public bool InTable { get; set; }
        public int Characters => Words.Sum(w => w.Text.Length);
    }

    private static List<Line> GroupLines(IReadOnlyList<Word> words)
    {
        var placed = words.Select(w => new PlacedWord(w)).OrderByDescending(w => w.Baseline).ThenBy(w => w.Left).ToList();
        var lines = new List<Line>();
        Line? current = null;
        foreach (var word in placed)
        {
            // Sub- and superscripts sit within half an em of their line's baseline; the next line is a full line away.
            if (current is not null && Math.Abs(current.Baseline - word.Baseline) <= 0.5 * Math.Max(current.Size, word.Size))
            {
                current.Words.Add(word);
                if (word.Size > current.Size)
                {
                    current.Size = word.Size;
                    current.Baseline = word.Baseline;
                }
                continue;
            }

            current = new Line { Baseline = word.Baseline, Size = word.Size };
            current.Words.Add(word);
            lines.Add(current);
        }

        foreach (var line in lines)
        {
            line.Words.Sort((a, b) => a.Left.CompareTo(b.Left));
            var cell = new List<PlacedWord> { line.Words[0] };
            for (var i = 1; i < line.Words.Count; i++)
            {
                var gap = line.Words[i].Left - line.Words[i - 1].Right;
                if (gap > CellGapEms * line.Size)
                {
                    line.Cells.Add(cell);
                    cell = [];
                }
                cell.Add(line.Words[i]);
            }
            line.Cells.Add(cell);
        }

        return lines;
    }

    /// <summary>
    /// True when some x position is crossed by almost no line while prose lines lie wholly on both sides of it: text
    /// columns. Tables have such gaps too, but their cells are short figures, not prose, on at least one side.
    /// </summary>
    private static bool HasColumns(List<Line> lines)
    {
        if (lines.Count < 2 * GutterMinLinesPerSide) return false;
        var rows = lines.Count(l => l.IsRow);
        if (rows < GutterMinLinesPerSide) return false;

        var left = lines.Min(l => l.Left);
        var right = lines.Max(l => l.Right);
        var width = right - left;
        if (width <= 0) return false;

        // Coverage in 2-point bins across the middle of the text area, where a gutter between columns would be.
        const double bin = 2;
        var bins = (int)Math.Ceiling(width / bin) + 1;
        // Rows of figures (a full-width results table above two text columns) say nothing about a gutter in the text.
        var crossings = new int[bins];
        var textLines = 0;
        foreach (var line in lines)
        {
            if (IsFigureRow(line)) continue;
            textLines++;
            foreach (var cell in line.Cells)
            {
                var from = (int)((cell[0].Left - left) / bin);
                var to = (int)((cell[^1].Right - left) / bin);
                for (var b = Math.Max(0, from); b <= Math.Min(bins - 1, to); b++) crossings[b]++;
            }
        }

        // Each run of barely crossed bins is one candidate gutter (a table has one per column gap): test its middle.
        var limit = GutterCrossingShare * textLines;
        var end = (int)(bins * 0.8);
        for (var b = (int)(bins * 0.2); b < end; b++)
        {
            if (crossings[b] > limit) continue;
            var runStart = b;
            while (b + 1 < end && crossings[b + 1] <= limit) b++;
            var x = left + ((runStart + b) / 2.0 + 0.5) * bin;
            var leftProse = ProseScore(lines, x, leftSide: true);
            if (leftProse == Prose.None) continue;
            var rightProse = ProseScore(lines, x, leftSide: false);
            if (rightProse == Prose.None) continue;
            if (leftProse == Prose.Running || rightProse == Prose.Running || (leftProse == Prose.Text && rightProse == Prose.Text)) return true;
        }

        return false;
    }

    private static bool IsFigureRow(Line line)
    {
        if (!line.IsRow) return false;
        int digits = 0, characters = 0;
        foreach (var word in line.Words)
        {
            characters += word.Text.Length;
            foreach (var c in word.Text) if (char.IsDigit(c)) digits++;
        }

        return digits > 0.4 * characters;
    }

    private enum Prose { None, Figures, Text, Running }

    private static Prose ProseScore(List<Line> lines, double x, bool leftSide)
    {
        int cells = 0, words = 0, letters = 0, characters = 0, runningCells = 0, runningCharacters = 0;
        foreach (var line in lines)
        {
            foreach (var cell in line.Cells)
            {
                var inside = leftSide ? cell[^1].Right <= x : cell[0].Left >= x;
                if (!inside) continue;
                int cellLetters = 0, cellCharacters = 0;
                foreach (var word in cell)
                {
                    cellCharacters += word.Text.Length;
                    foreach (var c in word.Text) if (char.IsLetter(c)) cellLetters++;
                }

                cells++;
                words += cell.Count;
                letters += cellLetters;
                characters += cellCharacters;
                if (cell.Count >= RunningWords && cellLetters >= 0.7 * cellCharacters)
                {
                    runningCells++;
                    runningCharacters += cellCharacters;
                }
            }
        }

        // Running text (lines of several words, mostly letters, carrying most of the side's text) beside anything is a
        // column layout, e.g. a text column next to a sidebar; a table has label cells of a few words next to figures,
        // with at most a few long labels.
        if (cells < GutterMinLinesPerSide) return Prose.None;
        if (runningCells >= GutterMinLinesPerSide && runningCharacters >= 0.5 * characters) return Prose.Running;
        if (words >= 3 * cells && letters >= 0.6 * characters) return Prose.Text;
        return Prose.Figures;
    }

    private static List<Block> BuildBlocks(List<Line> lines)
    {
        var spacing = TypicalSpacing(lines);
        for (var k = 0; k < lines.Count; k++)
        {
            lines[k].InTable = lines[k].IsRow
                && ((k > 0 && lines[k - 1].IsRow && Near(lines[k - 1], lines[k], 2 * spacing))
                    || (k + 1 < lines.Count && lines[k + 1].IsRow && Near(lines[k], lines[k + 1], 2 * spacing)));
        }

        var blocks = new List<Block>();
        var i = 0;
        while (i < lines.Count)
        {
            var end = lines[i].InTable ? TableEnd(lines, i, spacing) : ParagraphEnd(lines, i, spacing);
            blocks.Add(lines[i].InTable ? Table(lines, i, end) : Paragraph(lines, i, end));
            i = end;
        }

        return blocks;
    }

    /// <summary>The usual distance between consecutive baselines on this page (the median), in points.</summary>
    private static double TypicalSpacing(List<Line> lines)
    {
        var distances = new List<double>(lines.Count);
        for (var i = 1; i < lines.Count; i++)
        {
            var d = lines[i - 1].Baseline - lines[i].Baseline;
            if (d > 0 && Math.Abs(lines[i - 1].Size - lines[i].Size) <= 0.15 * lines[i].Size) distances.Add(d);
        }

        if (distances.Count == 0) return lines.Count == 0 ? 12 : 1.2 * lines.Max(l => l.Size);
        distances.Sort();
        return distances[distances.Count / 2];
    }

    private static bool Near(Line above, Line below, double spacing) =>
        above.Baseline - below.Baseline <= ParagraphSpacings * Math.Max(spacing, 1.1 * below.Size);

    private static int ParagraphEnd(List<Line> lines, int start, double spacing)
    {
        var end = start + 1;
        while (end < lines.Count)
        {
            var above = lines[end - 1];
            var below = lines[end];
            if (below.InTable || !Near(above, below, spacing)) break;
            if (Math.Abs(above.Size - below.Size) > 0.12 * Math.Max(above.Size, below.Size)) break; // a heading or a note
            end++;
        }

        return end;
    }

    /// <summary>A table runs over its rows and the one-cell label lines between them ("Current assets:").</summary>
    private static int TableEnd(List<Line> lines, int start, double spacing)
    {
        var end = start + 1;
        while (end < lines.Count)
        {
            var line = lines[end];
            if (!Near(lines[end - 1], line, 2 * spacing)) break;
            if (line.InTable)
            {
                end++;
                continue;
            }

            // A label line stays in the table only when a row follows it closely.
            if (end + 1 < lines.Count && lines[end + 1].InTable && Near(line, lines[end + 1], 2 * spacing)) end += 2;
            else break;
        }

        return end;
    }

    private static Block Paragraph(List<Line> lines, int start, int end)
    {
        var span = lines.GetRange(start, end - start);
        var text = TextNormalizer.Inline(string.Join("\n", span.Select(l => string.Join(" ", l.Words.Select(w => w.Text)))));
        return new Block(false, text, BlockSize(span), span.Count, span.Sum(l => l.Characters), [.. span.SelectMany(l => l.Words).Select(w => w.Word)]);
    }

    private static Block Table(List<Line> lines, int start, int end)
    {
        var span = lines.GetRange(start, end - start);
        var rows = new List<string>(span.Count);
        foreach (var line in span)
        {
            var cells = MergeSymbols(line.Cells.Select(c => TextNormalizer.Inline(string.Join(" ", c.Select(w => w.Text)))).ToList());
            var row = string.Join(" | ", cells.Where(c => c.Length > 0));
            if (row.Length > 0) rows.Add(row);
        }

        return new Block(true, string.Join("\n", rows), BlockSize(span), span.Count, span.Sum(l => l.Characters),
            [.. span.SelectMany(l => l.Cells.SelectMany(c => c)).Select(w => w.Word)]);
    }

    /// <summary>"$ | 1,234" reads as "$ 1,234" and "(12 | )" as "(12)": currency signs and closing marks set apart in their own cell.</summary>
    private static List<string> MergeSymbols(List<string> cells)
    {
        var merged = new List<string>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (Array.IndexOf(LeadingSymbols, cell) >= 0 && i + 1 < cells.Count)
            {
                cells[i + 1] = cell + (cell.EndsWith('(') ? "" : " ") + cells[i + 1];
                continue;
            }
            if (Array.IndexOf(TrailingSymbols, cell) >= 0 && merged.Count > 0)
            {
                merged[^1] += cell;
                continue;
            }
            merged.Add(cell);
        }

        return merged;
    }

    /// <summary>The font size most of the block's characters are set in (the character-weighted median).</summary>
    private static double BlockSize(List<Line> span)
    {
        var sizes = span.SelectMany(l => l.Words).Where(w => w.Text.Length > 0).OrderBy(w => w.Size).ToList();
        var half = sizes.Sum(w => w.Text.Length) / 2;
        foreach (var word in sizes)
        {
            half -= word.Text.Length;
            if (half < 0) return word.Size;
        }

        return 0;
    }

    private static double FontSize(Word word)
    {
        double max = 0;
        foreach (var letter in word.Letters)
        {
            var size = letter.PointSize > 0 ? letter.PointSize : letter.BoundingBox.Height;
            if (size > max) max = size;
        }

        return max > 0 ? max : Math.Max(1, word.BoundingBox.Height);
    }
}
