using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Retrieval;

/// <summary>One passage as a given user would (or would not) get it.</summary>
public sealed record ExplainedPassage(
    string ChunkId, Guid DocumentId, string DocumentName, Guid CollectionId, string CollectionName, int Page,
    double Score, string Snippet, bool Visible, string Reason);

public sealed record Explanation(string UserName, IReadOnlyList<string> Groups, bool IsAdmin, IReadOnlyList<ExplainedPassage> Passages);

/// <summary>
/// "Search as user X": what retrieval returns for a question as that user, and for each passage the grant that made it
/// visible; for the best passages the user does not get, why (no access to the collection, or ranked below the cut).
/// For administrators only: it looks across every collection.
/// </summary>
public sealed class ExplainService(
    IDbContextFactory<PrivateRagDbContext> dbFactory, AccountService accounts, CollectionAccess access, IRetriever retriever)
{
    public async Task<Explanation> ExplainAsync(string userName, string question, int top, AccessContext caller, CancellationToken ct = default)
    {
        if (!caller.IsAdmin) throw new ForbiddenException("Only administrators can search as another user.");
        if (string.IsNullOrWhiteSpace(question)) throw new InvalidRequestException("Type a question to explain.");
        var who = await accounts.ResolveUserAsync(userName.Trim(), ct) ?? throw new NotFoundException($"User '{userName}' was not found.");
        top = Math.Clamp(top, 1, 50);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var collections = await db.Collections.AsNoTracking().Include(c => c.Grants).ToDictionaryAsync(c => c.Id, ct);
        var filter = await access.FilterAsync(who, null, ct);
        var readable = filter.CollectionIds.ToHashSet();

        var asUser = readable.Count == 0 ? [] : await retriever.SearchAsync(new SearchRequest(question, filter, top), ct);
        var everywhere = collections.Count == 0 ? [] : await retriever.SearchAsync(new SearchRequest(question, collections.Keys.ToList(), top), ct);
        var shown = asUser.Select(r => r.Chunk.Id).ToHashSet();

        // Which of the passages' documents are narrowed, and whether to this user: the same rule the index applied.
        var documentIds = asUser.Concat(everywhere).Select(r => r.Chunk.DocumentId).Distinct().ToList();
        var narrowed = await db.Documents.AsNoTracking().Include(d => d.Grants)
            .Where(d => d.AccessRestricted && documentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var tokens = ReaderTokens.Of(who)?.ToHashSet(StringComparer.Ordinal);

        var passages = asUser.Select(r => Describe(r, collections, visible: true,
            Grant(collections[r.Chunk.CollectionId], who) + DocumentGrant(narrowed, r.Chunk.DocumentId, who))).ToList();
        foreach (var r in everywhere.Where(r => !shown.Contains(r.Chunk.Id)))
        {
            string reason;
            if (!readable.Contains(r.Chunk.CollectionId))
                reason = $"No access: '{collections[r.Chunk.CollectionId].Name}' is not shared with this user or any of their groups.";
            else if (tokens is not null && narrowed.TryGetValue(r.Chunk.DocumentId, out var doc)
                     && !DocumentAccessRule.Of(doc)!.ToTokens().Any(tokens.Contains))
                reason = $"No access: the document '{r.Chunk.DocumentName}' is narrowed to other users and groups.";
            else
                reason = "Readable, but ranked below the passages above for this user.";
            passages.Add(Describe(r, collections, visible: false, reason));
        }
        return new Explanation(who.Subject, who.Groups.Order().ToList(), who.IsAdmin, passages);
    }

    private static ExplainedPassage Describe(SearchResult r, IReadOnlyDictionary<Guid, Collection> collections, bool visible, string reason) => new(
        r.Chunk.Id, r.Chunk.DocumentId, r.Chunk.DocumentName, r.Chunk.CollectionId, collections[r.Chunk.CollectionId].Name,
        r.Chunk.PageStart, r.Score, Answering.Snippets.Shorten(r.Chunk.Text, 240), visible, reason);

    /// <summary>The document's own rule, in words, when it narrows its collection's access.</summary>
    private static string DocumentGrant(IReadOnlyDictionary<Guid, Documents.Document> narrowed, Guid documentId, AccessContext who)
    {
        if (!narrowed.TryGetValue(documentId, out var doc)) return "";
        if (who.IsAdmin) return " The document is narrowed, but administrators read every document.";
        var user = doc.Grants.FirstOrDefault(g => g.Kind == GrantKind.User && g.Principal == who.Subject);
        if (user is not null) return " The document is narrowed to this user among others.";
        var group = doc.Grants.FirstOrDefault(g => g.Kind == GrantKind.Group && who.Groups.Contains(g.Principal));
        return group is not null ? $" The document is narrowed to group '{group.Principal}'." : "";
    }

    /// <summary>The rule that lets the user read the collection, in words.</summary>
    private static string Grant(Collection collection, AccessContext who)
    {
        if (who.IsAdmin) return "Administrator: reads every collection.";
        if (collection.Everyone) return $"'{collection.Name}' is shared with everyone.";
        if (collection.Grants.FirstOrDefault(g => g.Kind == GrantKind.User && g.Principal == who.Subject) is not null)
            return $"'{collection.Name}' is shared with this user.";
        var group = collection.Grants.FirstOrDefault(g => g.Kind == GrantKind.Group && who.Groups.Contains(g.Principal));
        return group is not null ? $"'{collection.Name}' is shared with group '{group.Principal}'." : "Readable.";
    }
}
