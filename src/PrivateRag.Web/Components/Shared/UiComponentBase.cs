using Microsoft.AspNetCore.Components;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Components.Shared;

/// <summary>
/// The base of every component that shows words: <see cref="L"/> is the visitor's <see cref="UiText"/>, which
/// <see cref="Routes"/> cascades once for the whole circuit (its events do not run on the request that chose the
/// language). Without a cascade (a component rendered on its own, as in tests) the words are English.
/// </summary>
public abstract class UiComponentBase : ComponentBase
{
    [CascadingParameter] public UiText? Text { get; set; }

    /// <summary>The UI's words in the visitor's language: <c>L["Key"]</c>, <c>L["Key", arg]</c>.</summary>
    protected UiText L => Text ?? UiText.Default;
}

/// <summary>A layout that shows words: the same cascade as <see cref="UiComponentBase"/>, plus the page as <see cref="Body"/>.</summary>
public abstract class UiLayoutComponentBase : UiComponentBase
{
    /// <summary>The page inside the layout (the parameter the router sets on every layout).</summary>
    [Parameter] public RenderFragment? Body { get; set; }
}
