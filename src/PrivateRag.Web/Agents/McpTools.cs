using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Indexing;
using PrivateRag.Core.Retrieval;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Sources;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Agents;

/// <summary>
/// The MCP tools. Each call is one HTTP request (the server is stateless), authenticated by its own bearer token, and
/// resolves the caller and their collections afresh: a revoked key is refused and a removed group stops counting on the
/// very next call, however long the agent's session has been open. Results are plain text sized for a model's
/// context (a few passages, each cut to a bounded length) and say what to call next.
/// </summary>
[McpServerToolType]
public sealed class McpTools(
    IHttpContextAccessor httpAccessor, CollectionService collections, CollectionAccess access, IRetriever retriever,
    ChatService chat, DocumentService documents, IChunkIndex index, ChatRateLimit limits)
{
    /// <summary>Longest passage text a search result carries; read_passage gives the whole passage.</summary>
    public const int MaxSearchPassageChars = 700;
    public const int MaxTop = 10;
    private const int MaxContextChars = 1200;

    [McpServerTool(Name = "list_collections", ReadOnly = true, Idempotent = true, OpenWorld = false, Title = "List document collections")]
    [Description("Lists the document collections you may read, with their names and sizes. Call this first if you do not " +
                 "know which collection to search; pass a collection's name to search or ask to narrow them.")]
    public async Task<string> ListCollectionsAsync(CancellationToken ct)
    {
        var (_, who) = await CallerAsync();
        var readable = await collections.ListReadableAsync(who, ct);
        if (readable.Count == 0) return "You cannot read any collection yet. Ask an administrator for access.";
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{readable.Count} readable collection(s):\n"));
        foreach (var c in readable)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {c.Name} (id {c.Id}): {c.Documents} document(s)");
            if (!string.IsNullOrWhiteSpace(c.Description)) text.Append(" — ").Append(Shorten(c.Description, 200));
        }
        return text.ToString();
    }

    [McpServerTool(Name = "search", ReadOnly = true, Idempotent = true, OpenWorld = false, Title = "Search documents")]
    [Description("Searches the company documents you may read and returns the best matching passages, each with its " +
                 "document, page, a link for people and the ids read_passage needs. Use short keyword queries. " +
                 "Cite passages by document and page.")]
    public async Task<string> SearchAsync(
        [Description("What to look for, e.g. \"travel expenses approval limit\".")] string query,
        [Description("Optional: one collection's name or id from list_collections; leave empty to search all you may read.")] string? collection = null,
        [Description("How many passages to return, 1 to 10 (default 5).")] int top = 5,
        CancellationToken ct = default)
    {
        var (http, who) = await CallerAsync();
        query = query?.Trim() ?? "";
        if (query.Length == 0) throw new McpException("The query is empty; pass a few keywords.");
        if (!limits.TryAcquire(http.User, "/api/search")) throw new McpException("Too many searches with this key right now; wait a minute and try again.");
        var scope = await ScopeAsync(who, collection, ct);
        var results = scope.Count == 0 ? [] : await retriever.SearchAsync(new SearchRequest(query, scope, Math.Clamp(top, 1, MaxTop)), ct);
        if (results.Count == 0) return "No passage matches in the documents you can access. Try other words, or call list_collections.";
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{results.Count} passage(s), best first:\n"));
        var n = 0;
        foreach (var r in results)
        {
            var c = r.Chunk;
            var pages = AgentLinks.Pages(c.PageStart, c.PageEnd);
            text.Append(CultureInfo.InvariantCulture, $"\n[{++n}] {c.DocumentName}{(pages.Length > 0 ? ", " + pages : "")}");
            if (!string.IsNullOrWhiteSpace(c.HeadingPath)) text.Append(" — ").Append(Shorten(c.HeadingPath, 120));
            text.Append(CultureInfo.InvariantCulture, $"\ndocumentId: {c.DocumentId}  chunkId: {c.Id}");
            text.Append("\nlink: ").Append(AgentLinks.Source(http.Request, c.DocumentId, c.Id, c.CharStart, c.CharEnd, c.PageStart));
            text.Append("\ntext: ").Append(Shorten(c.Text, MaxSearchPassageChars)).Append('\n');
        }
        return text.ToString();
    }

    [McpServerTool(Name = "ask", ReadOnly = true, OpenWorld = false, Title = "Ask the documents")]
    [Description("Answers a question from the company documents you may read, with numbered citations [n] and a source " +
                 "list (document, page, link). If the documents do not cover the question, it says so; do not guess then. " +
                 "Ask one self-contained question per call.")]
    public async Task<string> AskAsync(
        [Description("The question, self-contained, e.g. \"Who approves travel over 1000 euros?\".")] string question,
        [Description("Optional: one collection's name or id from list_collections; leave empty to use all you may read.")] string? collection = null,
        CancellationToken ct = default)
    {
        var (http, who) = await CallerAsync();
        if (string.IsNullOrWhiteSpace(question)) throw new McpException("The question is empty.");
        if (!limits.TryAcquire(http.User, "/api/chat")) throw new McpException("Too many questions with this key right now; wait a minute and try again.");
        var scope = await ScopeAsync(who, collection, ct);
        if (scope.Count == 0) return ChatService.NotFoundAnswer;
        ChatAnswer answer;
        try
        {
            answer = await chat.AskAsync(new ChatRequest(question, CollectionIds: scope), who, ct);
        }
        catch (PrivateRag.Core.InvalidRequestException e)
        {
            throw new McpException(e.Message);
        }
        var text = new StringBuilder(answer.Answer);
        if (answer.NotFound) text.Append("\n\n(The documents do not answer this; the passages below are only the nearest.)");
        text.Append(AgentLinks.MarkdownReferences(http.Request, answer.Citations));
        return text.ToString();
    }

    [McpServerTool(Name = "read_passage", ReadOnly = true, Idempotent = true, OpenWorld = false, Title = "Read a passage in context")]
    [Description("Reads one passage found by search, with the text just before and after it, to check a citation or see " +
                 "more context. Pass the documentId and chunkId that search returned.")]
    public async Task<string> ReadPassageAsync(
        [Description("The documentId from a search result.")] string documentId,
        [Description("The chunkId from the same search result.")] string chunkId,
        CancellationToken ct = default)
    {
        var (http, who) = await CallerAsync();
        if (!Guid.TryParse(documentId, out var id)) throw new McpException("documentId is not an id; pass the documentId from a search result.");
        // The access check is SourceContext's: a document of a collection the caller may not read is "not found".
        var context = await SourceContext.LoadAsync(documents, index, who, id, chunkId, 0, 0, snippet: null, ct);
        if (context is null) throw new McpException("No such passage in the documents you can access.");
        var pages = AgentLinks.Pages(context.Page, context.PageEnd);
        var text = new StringBuilder(context.Document.Name + (pages.Length > 0 ? ", " + pages : ""));
        if (!string.IsNullOrWhiteSpace(context.Heading)) text.Append(" — ").Append(Shorten(context.Heading, 120));
        text.Append("\nlink: ").Append(AgentLinks.Source(http.Request, id, chunkId, 0, 0, context.Page));
        if (context.Before.Length > 0) text.Append("\n\n[before]\n").Append(context.MoreBefore ? "… " : "").Append(Tail(context.Before, MaxContextChars));
        text.Append("\n\n[passage]\n").Append(Shorten(context.Passage, MaxContextChars * 2));
        if (context.After.Length > 0) text.Append("\n\n[after]\n").Append(Shorten(context.After, MaxContextChars)).Append(context.MoreAfter ? " …" : "");
        return text.ToString();
    }

    private async Task<(HttpContext Http, AccessContext Who)> CallerAsync()
    {
        var http = httpAccessor.HttpContext ?? throw new McpException("No HTTP request for this call.");
        var who = await http.GetAccessAsync() ?? throw new McpException("Your key or sign-in is no longer valid.");
        return (http, who);
    }

    private async Task<IReadOnlyList<Guid>> ScopeAsync(AccessContext who, string? collection, CancellationToken ct)
    {
        var scope = await AgentScope.ResolveAsync(collections, who, collection, ct)
            ?? throw new McpException($"You cannot read a collection named \"{Shorten(collection ?? "", 100)}\". Call list_collections for the names.");
        // Narrowed once more in the query itself (the index filters by these ids).
        return await access.ScopeAsync(who, scope.Select(c => c.Id).ToList(), ct);
    }

    internal static string Shorten(string text, int max)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max - 1, Math.Min(max, 80));
        return text[..(cut > 0 ? cut : max - 1)].TrimEnd() + " …";
    }

    private static string Tail(string text, int max)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        if (text.Length <= max) return text;
        var from = text.IndexOf(' ', text.Length - max);
        return text[(from > 0 ? from + 1 : text.Length - max)..];
    }
}
