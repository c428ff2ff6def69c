using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class QuestionSetTable
{
    private Guid? _confirmDelete;

    [Parameter, EditorRequired] public IReadOnlyList<QuestionSetSummary> Sets { get; set; } = [];

    /// <summary>The open set (highlighted).</summary>
    [Parameter] public Guid? SelectedId { get; set; }

    [Parameter] public EventCallback<Guid> OnOpen { get; set; }

    /// <summary>Deletion was confirmed.</summary>
    [Parameter] public EventCallback<QuestionSetSummary> OnDelete { get; set; }

    private async Task DeleteAsync(QuestionSetSummary set)
    {
        _confirmDelete = null;
        await OnDelete.InvokeAsync(set);
    }
}
