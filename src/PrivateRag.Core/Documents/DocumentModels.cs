using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core.Documents;

public sealed record DocumentInfo(
    Guid Id, string Name, Guid CollectionId, DocumentStatus Status, string? Stage, double Progress,
    RejectReason FailureReason, string? Error, int Pages, int Chunks, long SizeBytes, string MediaType,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DocumentInfo From(Document d) => new(
        d.Id, d.Name, d.CollectionId, d.Status, d.Stage, d.Progress, d.FailureReason, d.Error, d.Pages, d.Chunks,
        d.SizeBytes, d.MediaType, d.CreatedAt, d.UpdatedAt);
}

/// <summary>
/// Who a narrowed document is readable by: these users and groups, and only those of them who also read its
/// collection. An empty rule (no users, no groups) leaves the document to administrators.
/// </summary>
public sealed record DocumentAccessRule(IReadOnlyList<string> Users, IReadOnlyList<string> Groups)
{
    public static DocumentAccessRule? Of(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!document.AccessRestricted) return null;
        return new DocumentAccessRule(
            document.Grants.Where(g => g.Kind == GrantKind.User).Select(g => g.Principal).Order(StringComparer.Ordinal).ToList(),
            document.Grants.Where(g => g.Kind == GrantKind.Group).Select(g => g.Principal).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Trimmed, distinct, non-empty names; control characters are refused (they never name a principal).</summary>
    public DocumentAccessRule Normalised()
    {
        static List<string> Clean(IEnumerable<string>? names, string what)
        {
            var list = new List<string>();
            foreach (var raw in names ?? [])
            {
                var name = raw?.Trim() ?? "";
                if (name.Length == 0) continue;
                if (name.Length > 256 || name.Any(char.IsControl))
                    throw new InvalidRequestException($"'{name}' is not a valid {what} name (at most 256 characters, no control characters).");
                if (!list.Contains(name, StringComparer.Ordinal)) list.Add(name);
            }
            list.Sort(StringComparer.Ordinal);
            return list;
        }
        return new DocumentAccessRule(Clean(Users, "user"), Clean(Groups, "group"));
    }

    /// <summary>The reader tokens stored on the document's chunks.</summary>
    public IReadOnlyList<string> ToTokens() =>
        Access.ReaderTokens.Of(true, Users.Select(u => (GrantKind.User, u)).Concat(Groups.Select(g => (GrantKind.Group, g))))!;

    /// <summary>Readers allowed by both (null meaning "not narrowed").</summary>
    public static IReadOnlyList<string>? Intersect(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b : b is null ? a : a.Intersect(b, StringComparer.Ordinal).ToList();
}

/// <summary>The result of one upload: the document, and whether its bytes were already in the collection.</summary>
public sealed record UploadResult(DocumentInfo Document, bool Duplicate);

/// <summary>
/// One page of a collection's documents: those whose name contains <paramref name="NameContains"/> (any case) and,
/// when given, with that status, newest first.
/// </summary>
public sealed record DocumentQuery(DocumentStatus? Status = null, string? NameContains = null, int Page = 1, int PageSize = 25)
{
    public const int MaxPageSize = 200;
}

/// <summary>A page of documents, how many match in all, and how many of the collection's documents are in each status.</summary>
public sealed record DocumentPage(IReadOnlyList<DocumentInfo> Items, int Total, int Page, int PageSize, IReadOnlyDictionary<DocumentStatus, int> StatusCounts)
{
    public int CountOf(DocumentStatus status) => StatusCounts.TryGetValue(status, out var n) ? n : 0;

    /// <summary>Queued or processing: the page keeps refreshing while there are any.</summary>
    public bool HasActive => CountOf(DocumentStatus.Queued) + CountOf(DocumentStatus.Processing) > 0;
}
