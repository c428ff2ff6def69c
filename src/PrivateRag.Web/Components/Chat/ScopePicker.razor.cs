using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Collections;

namespace PrivateRag.Web.Components.Chat;

public partial class ScopePicker
{
    /// <summary>The collections the person may read.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<CollectionSummary> Collections { get; set; } = [];

    /// <summary>The picked collection ids.</summary>
    [Parameter] public IReadOnlyCollection<Guid> Scope { get; set; } = [];

    [Parameter] public EventCallback<IReadOnlyCollection<Guid>> ScopeChanged { get; set; }

    /// <summary>True while an answer streams: the scope of a question does not change under it.</summary>
    [Parameter] public bool Disabled { get; set; }

    /// <summary>
    /// The scope to send with a question: null (every readable collection, including ones shared later) when
    /// everything or nothing is picked.
    /// </summary>
    public static IReadOnlyList<Guid>? ForRequest(IReadOnlyCollection<Guid> scope, IReadOnlyList<CollectionSummary> collections)
    {
        var picked = scope.ToList();
        return picked.Count == 0 || collections.All(c => picked.Contains(c.Id)) ? null : picked;
    }

    private string CollectionName(Guid id) => Collections.FirstOrDefault(c => c.Id == id)?.Name ?? "";

    private string ScopeText(IReadOnlyList<string> names) =>
        names.Count == 0 || names.Count == Collections.Count ? L["AllCollections"] : string.Join(", ", names);
}
