using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Documents;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class DocumentTable
{
    private static readonly DocumentStatus?[] StatusOptions =
        [null, DocumentStatus.Queued, DocumentStatus.Processing, DocumentStatus.Indexed, DocumentStatus.Failed];

    private Guid? _confirmDelete;

    [Parameter, EditorRequired] public Guid CollectionId { get; set; }

    /// <summary>The page of documents shown, with the counts per status; null before the first load.</summary>
    [Parameter] public DocumentPage? Page { get; set; }

    /// <summary>The status filter; null for all.</summary>
    [Parameter] public DocumentStatus? Status { get; set; }

    [Parameter] public string? NameFilter { get; set; }

    [Parameter] public int PageNumber { get; set; } = 1;

    [Parameter] public int PageCount { get; set; }

    /// <summary>True while the page reloads by itself (anything queued, processing or uploading).</summary>
    [Parameter] public bool Updating { get; set; }

    [Parameter] public int RefreshSeconds { get; set; }

    [Parameter] public EventCallback<DocumentStatus?> OnStatus { get; set; }

    [Parameter] public EventCallback<string?> OnNameFilter { get; set; }

    [Parameter] public EventCallback<int> OnPage { get; set; }

    [Parameter] public EventCallback OnRefresh { get; set; }

    [Parameter] public EventCallback OnRetryAllFailed { get; set; }

    [Parameter] public EventCallback<DocumentInfo> OnReindex { get; set; }

    /// <summary>Deletion was confirmed.</summary>
    [Parameter] public EventCallback<DocumentInfo> OnDelete { get; set; }

    private int AllDocuments => Page?.StatusCounts.Values.Sum() ?? 0;

    private int CountFor(DocumentStatus? status) => status is { } s ? Page?.CountOf(s) ?? 0 : AllDocuments;

    private string DocumentUrl(DocumentInfo d) => $"/admin/collections/{CollectionId}/documents/{d.Id}";

    private Task DeleteAsync(DocumentInfo document)
    {
        _confirmDelete = null;
        return OnDelete.InvokeAsync(document);
    }
}
