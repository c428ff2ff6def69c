using Microsoft.AspNetCore.Components;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Components;

public partial class Routes
{
    /// <summary>The language picked in <see cref="App"/> (a plain string: it crosses into the interactive circuit).</summary>
    [Parameter] public string? Culture { get; set; }

    /// <summary>"dark", "light" or null (follow the browser once the page is interactive).</summary>
    [Parameter] public string? Theme { get; set; }

    private UiText L => UiText.For(Culture);
}
