using Microsoft.AspNetCore.Components;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Components.Layout;

public partial class ReconnectPanel
{
    [Parameter] public string? Culture { get; set; }

    private UiText L => UiText.For(Culture);
}
