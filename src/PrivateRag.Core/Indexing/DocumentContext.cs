using System.Text;

namespace PrivateRag.Core.Indexing;

/// <summary>
/// What a document says about itself, for lexical search: its title and the opening of its first page. A 10-Q's
/// page on revenue never says "Apple"; its cover page does, so every chunk is indexed with the cover's words (with a
/// lower weight than the chunk's own text) and "Apple's revenue" finds Apple's revenue page.
/// </summary>
public static class DocumentContext
{
    public const int MaxChars = 600;

    public static string? From(string? title, IEnumerable<string> openingBlocks)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(title)) sb.Append(title.Trim()).Append('\n');
        foreach (var block in openingBlocks)
        {
            if (sb.Length >= MaxChars) break;
            sb.Append(block.Trim()).Append(' ');
        }
        var text = string.Join(' ', sb.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0) return null;
        if (text.Length <= MaxChars) return text;
        var cut = text.LastIndexOf(' ', MaxChars);
        return text[..(cut > MaxChars / 2 ? cut : MaxChars)];
    }
}
