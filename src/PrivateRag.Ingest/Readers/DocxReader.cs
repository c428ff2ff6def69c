using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using M = DocumentFormat.OpenXml.Math;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Reads DOCX with the Open XML SDK (Transitional and ISO Strict): body paragraphs and tables in body order (content
/// controls and custom XML unwrapped), text boxes, charts and SmartArt after the paragraph that anchors them (see
/// <see cref="GraphicText"/>), then footnotes and endnotes. Headings come from
/// paragraph styles (style id or built-in name "heading N"/"Title", or an outline level on the paragraph or its
/// style chain). Tracked deletions and field codes are skipped; tracked insertions are kept. Headers, footers and
/// comments are not indexed. Each XML part is capped in size (the SDK never processes DTDs).
/// </summary>
public sealed partial class DocxReader : IDocumentReader
{
    private const string Format = "DOCX";
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public IReadOnlyCollection<FileFormat> Formats { get; } = [FileFormats.Docx];

    public ExtractedDocument Read(Stream content, ReadLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var bytes = BlockCollector.ReadAll(content, ct);
        ct.ThrowIfCancellationRequested();
        if (bytes.Length == 0) throw new DocumentRejectedException(RejectReason.Corrupt, "The DOCX file is empty (0 bytes).");
        if (bytes.AsSpan().StartsWith(OleSignature))
        {
            // Office wraps encrypted OOXML in an OLE compound file; a legacy .doc renamed to .docx looks the same.
            throw new DocumentRejectedException(RejectReason.Encrypted,
                "The DOCX is password-protected (encrypted), or is a legacy binary Word file renamed to .docx; upload an unprotected .docx.");
        }
        if (bytes.Length < 4 || bytes[0] != (byte)'P' || bytes[1] != (byte)'K')
        {
            throw new DocumentRejectedException(RejectReason.Corrupt, "The DOCX is not a ZIP package (the file is damaged or not a Word document).");
        }
        ZipPackageGuard.Check(bytes, limits, Format);

        try
        {
            try
            {
                using var doc = WordprocessingDocument.Open(new MemoryStream(bytes, writable: false), false, new OpenSettings
                {
                    // Caps decompressed XML per part: a zip bomb fails instead of exhausting memory.
                    MaxCharactersInPart = MaxXmlChars(limits),
                });
                var main = doc.MainDocumentPart
                    ?? throw new DocumentRejectedException(RejectReason.Corrupt, "The DOCX has no main document part.");
                var body = main.Document?.Body
                    ?? throw new DocumentRejectedException(RejectReason.Corrupt, "The DOCX has no document body.");
                var walker = new Walker(main.StyleDefinitionsPart?.Styles, limits, ct);
                IEnumerable<OpenXmlElement> furniture = [
                    .. main.HeaderParts.Select(h => (OpenXmlElement?)h.Header).OfType<OpenXmlElement>(),
                    .. main.FooterParts.Select(f => (OpenXmlElement?)f.Footer).OfType<OpenXmlElement>()];
                return walker.Run(body, main.FootnotesPart?.Footnotes, main.EndnotesPart?.Endnotes, SafeCoreTitle(doc), furniture);
            }
            catch (Exception ex) when (ex is OpenXmlPackageException or InvalidOperationException)
            {
                // The package structure is broken (e.g. a relationship to a missing docProps part) but the
                // document XML itself may be fine: read it directly.
                return ReadMainPartOnly(bytes, limits, ct) ?? throw new DocumentRejectedException(RejectReason.Corrupt,
                    $"The DOCX could not be read ({ex.GetType().Name}): {ex.Message}");
            }
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException
                                      or XmlException or InvalidOperationException or NotSupportedException
                                      or IOException or ArgumentException or KeyNotFoundException or NullReferenceException
                                      or FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw Map(ex);
        }
    }

    /// <summary>A DTD is never processed (no external entities, no entity expansion): say so rather than "corrupt".</summary>
    internal static DocumentRejectedException Map(Exception ex, string format = Format)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is XmlException xml && xml.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
            {
                return new DocumentRejectedException(RejectReason.Corrupt,
                    $"The {format} contains an XML DTD (entity declarations), which is refused: DTD processing is off to prevent XXE and entity-expansion attacks.");
            }
        }
        return new DocumentRejectedException(RejectReason.Corrupt, $"The {format} could not be read ({ex.GetType().Name}): {ex.Message}");
    }

    private static long MaxXmlChars(ReadLimits limits) => Math.Clamp(limits.MaxExtractedChars * 20, 10_000_000, 1_000_000_000);

    private static string? SafeCoreTitle(WordprocessingDocument doc)
    {
        try
        {
            return doc.PackageProperties.Title;
        }
        catch (Exception ex) when (ex is XmlException or InvalidOperationException or FileFormatException or OpenXmlPackageException)
        {
            return null; // broken docProps must not cost the text
        }
    }

    /// <summary>Reads word/document.xml (and styles) straight from the ZIP with a DTD-prohibiting, size-capped XML reader.</summary>
    private static ExtractedDocument? ReadMainPartOnly(byte[] bytes, ReadLimits limits, CancellationToken ct)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        var documentXml = ReadEntry(zip, "word/document.xml", limits);
        if (documentXml is null) return null;
        var document = new DocumentFormat.OpenXml.Wordprocessing.Document(documentXml);
        if (document.Body is not { } body) return null;
        var stylesXml = ReadEntry(zip, "word/styles.xml", limits);
        var walker = new Walker(stylesXml is null ? null : new Styles(stylesXml), limits, ct);
        return walker.Run(body, null, null, null);
    }

    private static string? ReadEntry(ZipArchive zip, string name, ReadLimits limits)
    {
        var entry = zip.GetEntry(name);
        if (entry is null) return null;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxXmlChars(limits),
        };
        using var stream = entry.Open();
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        return reader.ReadOuterXml();
    }

    [GeneratedRegex(@"^heading\s*([1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingName();

    private sealed class Walker
    {
        private const int MaxDepth = 64;
        private readonly CancellationToken _ct;
        private readonly BlockCollector _out;
        private readonly Dictionary<string, Style> _styles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _headingCache = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _listCache = new(StringComparer.Ordinal);
        private string? _titleFromStyle;

        private Walker(Dictionary<string, Style> styles, ReadLimits limits, CancellationToken ct)
        {
            _ct = ct;
            _out = new BlockCollector(limits, Format);
            _styles = styles;
        }

        public Walker(Styles? styles, ReadLimits limits, CancellationToken ct)
        {
            _ct = ct;
            _out = new BlockCollector(limits, Format);
            if (styles is not null)
            {
                foreach (var style in styles.Elements<Style>())
                {
                    if (style.StyleId?.Value is { } id) _styles.TryAdd(id, style);
                }
            }
        }

        public ExtractedDocument Run(Body body, Footnotes? footnotes, Endnotes? endnotes, string? coreTitle, IEnumerable<OpenXmlElement>? headersAndFooters = null)
        {
            WalkBlocks(body, 0);
            foreach (var note in footnotes?.Elements<Footnote>() ?? [])
            {
                if (note.Type?.Value is { } t && t != FootnoteEndnoteValues.Normal) continue;
                WalkBlocks(note, 0);
            }
            foreach (var note in endnotes?.Elements<Endnote>() ?? [])
            {
                if (note.Type?.Value is { } t && t != FootnoteEndnoteValues.Normal) continue;
                WalkBlocks(note, 0);
            }
            // Headers and footers once (not per page), after the body; the same text in several sections counts once.
            var seen = new HashSet<string>(_out.Blocks.Select(b => b.Text), StringComparer.Ordinal);
            foreach (var part in headersAndFooters ?? [])
            {
                var scratch = new Walker(_styles, _out.Limits, _ct);
                scratch.WalkBlocks(part, 0);
                foreach (var block in scratch._out.Blocks)
                {
                    if (seen.Add(block.Text)) _out.Add(1, block.Kind == BlockKind.Heading ? BlockKind.Paragraph : block.Kind, block.Text);
                }
            }
            if (_out.Blocks.Count == 0)
            {
                throw new DocumentRejectedException(RejectReason.NoText,
                    "The DOCX has no text (only images?): nothing to index.");
            }
            var title = TextNormalizer.Inline(coreTitle);
            if (title.Length == 0) title = _titleFromStyle ?? "";
            return new ExtractedDocument(_out.Blocks, 1, title.Length == 0 ? null : title);
        }

        /// <summary>Block-level content: paragraphs, tables, and wrappers (content controls, custom XML, ins/moves).</summary>
        private void WalkBlocks(OpenXmlElement container, int depth)
        {
            foreach (var child in container.ChildElements)
            {
                _ct.ThrowIfCancellationRequested();
                switch (child)
                {
                    case Paragraph p:
                        EmitParagraph(p, depth);
                        break;
                    case Table t:
                        EmitTable(t, depth);
                        break;
                    case AlternateContent ac:
                        if (PreferredBranch(ac) is { } branch && depth < MaxDepth) WalkBlocks(branch, depth + 1);
                        break;
                    case SectionProperties or BookmarkStart or BookmarkEnd or ProofError or Deleted or DeletedRun or MoveFrom:
                        break;
                    default:
                        if (depth < MaxDepth && child.HasChildren) WalkBlocks(child, depth + 1);
                        break;
                }
            }
        }

        private void EmitParagraph(Paragraph p, int depth)
        {
            var boxes = new List<OpenXmlElement>();
            var text = TextNormalizer.Inline(ParagraphText(p, boxes, depth));
            if (text.Length > 0)
            {
                var styleId = p.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
                var level = HeadingLevelOf(p, styleId);
                if (level > 0)
                {
                    if (level == 1 && _titleFromStyle is null && IsTitleStyle(styleId)) _titleFromStyle = text;
                    _out.Add(1, BlockKind.Heading, text, level);
                }
                else
                {
                    _out.Add(1, IsListItem(p, styleId) ? BlockKind.ListItem : BlockKind.Paragraph, text);
                }
            }
            foreach (var anchored in boxes)
            {
                if (GraphicText.IsReference(anchored))
                {
                    foreach (var (kind, block) in GraphicText.Read(anchored)) _out.Add(1, kind, block);
                }
                else if (depth < MaxDepth)
                {
                    WalkBlocks(anchored, depth + 1);
                }
            }
        }

        private void EmitTable(Table table, int depth)
        {
            var rows = new List<string>();
            var verticalMerges = new Dictionary<int, string>();
            foreach (var row in table.Elements<TableRow>())
            {
                _ct.ThrowIfCancellationRequested();
                // Merged cells: a vertically merged cell repeats the text of the cell it continues, and a cell spanning
                // several grid columns is followed by empty cells, so every row reads on its own and columns line up.
                var cells = new List<string>();
                foreach (var cell in row.Elements<TableCell>())
                {
                    var column = cells.Count;
                    var merge = cell.TableCellProperties?.VerticalMerge;
                    var text = TextNormalizer.Inline(CellText(cell, depth));
                    if (merge is not null && (merge.Val is null || merge.Val.Value == MergedCellValues.Continue))
                    {
                        text = verticalMerges.GetValueOrDefault(column, "");
                    }
                    else if (merge is not null)
                    {
                        verticalMerges[column] = text;
                    }
                    else
                    {
                        verticalMerges.Remove(column);
                    }
                    cells.Add(text);
                    var span = cell.TableCellProperties?.GridSpan?.Val?.Value ?? 1;
                    for (var extra = 1; extra < Math.Min(span, 64); extra++) cells.Add("");
                }
                while (cells.Count > 0 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
                if (cells.All(c => c.Length == 0)) continue;
                rows.Add(string.Join(" | ", cells));
            }
            _out.Add(1, BlockKind.Table, string.Join("\n", rows));
        }

        private string CellText(OpenXmlElement cell, int depth)
        {
            var sb = new StringBuilder();
            foreach (var p in cell.Descendants<Paragraph>())
            {
                if (depth >= MaxDepth) break;
                if (sb.Length > 0) sb.Append(' ');
                sb.Append(ParagraphText(p, null, depth + 1));
            }
            return sb.ToString();
        }

        /// <summary>Run text of one paragraph; text boxes, charts and SmartArt are returned in <paramref name="boxes"/> instead.</summary>
        private static string ParagraphText(Paragraph p, List<OpenXmlElement>? boxes, int depth)
        {
            var sb = new StringBuilder();
            Append(p, sb, boxes, depth);
            return sb.ToString();
        }

        private static void Append(OpenXmlElement element, StringBuilder sb, List<OpenXmlElement>? boxes, int depth)
        {
            foreach (var child in element.ChildElements)
            {
                switch (child)
                {
                    case Text t:
                        sb.Append(t.Text);
                        break;
                    case M.Text mt:
                        sb.Append(mt.Text);
                        break;
                    case TabChar or PositionalTab:
                        sb.Append(' ');
                        break;
                    case Break or CarriageReturn:
                        sb.Append(' ');
                        break;
                    case NoBreakHyphen:
                        sb.Append('-');
                        break;
                    case AlternateContent ac:
                        if (PreferredBranch(ac) is { } branch && depth < MaxDepth) Append(branch, sb, boxes, depth + 1);
                        break;
                    case SymbolChar or RubyContent:
                        break;
                    case Deleted or DeletedRun or DeletedText or MoveFrom or FieldCode or DeletedFieldCode
                        or ParagraphProperties or RunProperties:
                        break;
                    case TextBoxContent box:
                        if (boxes is not null) boxes.Add(box);
                        else if (depth < MaxDepth)
                        {
                            foreach (var inner in box.Descendants<Paragraph>())
                            {
                                sb.Append(' ');
                                Append(inner, sb, null, depth + 1);
                            }
                        }
                        break;
                    case var graphic when GraphicText.IsReference(graphic):
                        boxes?.Add(graphic);
                        break;
                    default:
                        if (child.HasChildren && depth < MaxDepth) Append(child, sb, boxes, depth + 1);
                        break;
                }
            }
        }

        /// <summary>Markup-compatibility alternatives hold the same content twice: read only one.</summary>
        private static OpenXmlElement? PreferredBranch(AlternateContent ac) =>
            (OpenXmlElement?)ac.Elements<AlternateContentChoice>().FirstOrDefault() ?? ac.Elements<AlternateContentFallback>().FirstOrDefault();

        private int HeadingLevelOf(Paragraph p, string? styleId)
        {
            var outline = p.ParagraphProperties?.OutlineLevel?.Val?.Value;
            if (outline is >= 0 and < 6) return outline.Value + 1;
            return styleId is null ? 0 : StyleHeadingLevel(styleId);
        }

        private int StyleHeadingLevel(string styleId)
        {
            if (_headingCache.TryGetValue(styleId, out var cached)) return cached;
            var level = 0;
            var id = styleId;
            for (var hops = 0; hops < 10 && id is not null; hops++)
            {
                var style = _styles.GetValueOrDefault(id);
                var name = style?.StyleName?.Val?.Value ?? "";
                if (IsTitle(id, name)) { level = 1; break; }
                var m = HeadingName().Match(id);
                if (!m.Success) m = HeadingName().Match(name);
                if (m.Success)
                {
                    level = Math.Min(6, m.Groups[1].Value[0] - '0');
                    break;
                }
                var outline = style?.StyleParagraphProperties?.OutlineLevel?.Val?.Value;
                if (outline is >= 0 and < 6) { level = outline.Value + 1; break; }
                if (outline is >= 6) break; // explicitly body text
                id = style?.BasedOn?.Val?.Value;
            }
            _headingCache[styleId] = level;
            return level;
        }

        private bool IsTitleStyle(string? styleId) =>
            styleId is not null && IsTitle(styleId, _styles.GetValueOrDefault(styleId)?.StyleName?.Val?.Value ?? "");

        private static bool IsTitle(string id, string name) =>
            id.Equals("Title", StringComparison.OrdinalIgnoreCase) || name.Equals("Title", StringComparison.OrdinalIgnoreCase);

        private bool IsListItem(Paragraph p, string? styleId)
        {
            if (p.ParagraphProperties?.NumberingProperties is { } num)
            {
                return num.NumberingId?.Val?.Value is not 0;
            }
            if (styleId is null) return false;
            if (_listCache.TryGetValue(styleId, out var cached)) return cached;
            var result = false;
            var id = styleId;
            for (var hops = 0; hops < 10 && id is not null; hops++)
            {
                var style = _styles.GetValueOrDefault(id);
                if (style is null) break;
                var name = style.StyleName?.Val?.Value ?? "";
                if (style.StyleParagraphProperties?.NumberingProperties is { } sn && sn.NumberingId?.Val?.Value is not 0
                    || name.StartsWith("List Bullet", StringComparison.OrdinalIgnoreCase)
                    || name.StartsWith("List Number", StringComparison.OrdinalIgnoreCase))
                {
                    result = true;
                    break;
                }
                id = style.BasedOn?.Val?.Value;
            }
            _listCache[styleId] = result;
            return result;
        }
    }
}
