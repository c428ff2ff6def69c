using System.Text;
using System.Text.RegularExpressions;

namespace PrivateRag.Ingest.Sources;

/// <summary>
/// A file pattern as in .gitignore: <c>*</c> any characters but '/', <c>?</c> one, <c>**</c> any number of folders.
/// A pattern without '/' matches a file's name in any folder (<c>*.pdf</c>); one with '/' matches the path relative to
/// the source's folder (<c>reports/**/*.docx</c>). Matching ignores case, as the common file shares do.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    public Glob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern.Trim().Replace('\\', '/').TrimStart('/');
        _nameOnly = !Pattern.Contains('/');
        _regex = new Regex("^" + ToRegex(Pattern) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    public bool IsMatch(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Replace('\\', '/');
        return _regex.IsMatch(_nameOnly ? path[(path.LastIndexOf('/') + 1)..] : path);
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
