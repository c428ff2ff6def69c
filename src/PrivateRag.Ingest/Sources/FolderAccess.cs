using System.Text.Json;
using PrivateRag.Core.Documents;

namespace PrivateRag.Ingest.Sources;

/// <summary>
/// Per-document access from the folder itself: a <c>.privaterag-access.json</c> file (<c>{"users": [...], "groups":
/// [...]}</c>) narrows every file in its folder and below; the nearest one wins, and <c>{"inherit": true}</c> in a
/// subfolder lifts a parent's narrowing. No file anywhere up to the source's folder: the collection's access.
/// File-system permissions (POSIX modes, NTFS ACLs) are not read: they name local accounts, not PrivateRag's users.
/// </summary>
public sealed class FolderAccess(string root)
{
    public const string FileName = ".privaterag-access.json";

    private readonly Dictionary<string, (bool Found, DocumentAccessRule? Rule)> _byFolder = new(StringComparer.Ordinal);

    /// <summary>The rule for a file (relative path, '/' separators): null means the collection's access.</summary>
    public DocumentAccessRule? For(string relativePath)
    {
        var folder = relativePath.Contains('/') ? relativePath[..relativePath.LastIndexOf('/')] : "";
        while (true)
        {
            var (found, rule) = Read(folder);
            if (found) return rule;
            if (folder.Length == 0) return null;
            folder = folder.Contains('/') ? folder[..folder.LastIndexOf('/')] : "";
        }
    }

    private (bool Found, DocumentAccessRule? Rule) Read(string folder)
    {
        if (_byFolder.TryGetValue(folder, out var cached)) return cached;
        var path = Path.Combine(root, folder.Replace('/', Path.DirectorySeparatorChar), FileName);
        (bool, DocumentAccessRule?) result = (false, null);
        if (File.Exists(path))
        {
            try
            {
                using var stream = File.OpenRead(path);
                var file = JsonSerializer.Deserialize<AccessFile>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true }) ?? new AccessFile();
                result = file.Inherit ? (true, null) : (true, new DocumentAccessRule(file.Users ?? [], file.Groups ?? []).Normalised());
            }
            catch (JsonException e)
            {
                // A broken access file must not open its folder to the whole collection: nobody but admins, until fixed.
                throw new InvalidDataException($"{FileName} in '{(folder.Length == 0 ? "." : folder)}' is not valid JSON ({e.Message}); its files are not synced until it is fixed.", e);
            }
        }
        _byFolder[folder] = result;
        return result;
    }

    private sealed class AccessFile
    {
        public List<string>? Users { get; set; }
        public List<string>? Groups { get; set; }
        public bool Inherit { get; set; }
    }
}
