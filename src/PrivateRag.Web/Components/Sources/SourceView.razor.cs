using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Documents;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Components.Sources;

public partial class SourceView
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private DocumentService Documents { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Parameter] public Guid DocumentId { get; set; }

    [SupplyParameterFromQuery(Name = "chunk")] public string? ChunkId { get; set; }
    [SupplyParameterFromQuery(Name = "start")] public int? Start { get; set; }
    [SupplyParameterFromQuery(Name = "end")] public int? End { get; set; }
    [SupplyParameterFromQuery(Name = "n")] public int? N { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? Page { get; set; }
    [SupplyParameterFromQuery(Name = "c")] public Guid? ConversationId { get; set; }

    private Citation? _citation;
    private bool _loaded;

    /// <summary>The address of a citation's source: the document, the cited chunk and passage, and the conversation.</summary>
    public static string Link(Citation c, Guid? conversationId)
    {
        var link = string.Create(CultureInfo.InvariantCulture,
            $"/source/{c.DocumentId}?chunk={Uri.EscapeDataString(c.ChunkId)}&start={c.CharStart}&end={c.CharEnd}&n={c.N}&page={c.Page}");
        return conversationId is { } id ? link + "&c=" + id : link;
    }

    protected override async Task OnParametersSetAsync()
    {
        // The document is read with the caller's own access: unreadable or unknown is "not available", nothing more.
        var who = await CurrentUser.GetAsync();
        var document = who is null ? null : await Documents.FindReadableAsync(DocumentId, who);
        _citation = document is null ? null : new Citation(
            N ?? 1, document.Id, document.Name, document.CollectionId, Page ?? 0, Page ?? 0, Heading: null,
            Snippet: "", ChunkId ?? "", Start ?? 0, End ?? 0, Score: 0);
        _loaded = true;
    }

    private void Close() => Navigation.NavigateTo(ConversationId is { } c ? $"/c/{c}" : "/");
}
