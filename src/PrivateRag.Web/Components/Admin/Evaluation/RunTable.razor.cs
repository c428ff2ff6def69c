using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class RunTable
{
    /// <summary>The set's runs, oldest first.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<RunSummary> Runs { get; set; } = [];

    /// <summary>Open a completed run's detail (its id).</summary>
    [Parameter] public EventCallback<Guid> OnOpen { get; set; }
}
