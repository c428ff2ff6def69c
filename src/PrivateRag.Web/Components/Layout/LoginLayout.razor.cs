using Microsoft.AspNetCore.Components;

namespace PrivateRag.Web.Components.Layout;

public partial class LoginLayout
{
    [CascadingParameter(Name = "Theme")] public string? Theme { get; set; }
}
