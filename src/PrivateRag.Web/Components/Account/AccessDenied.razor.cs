using Microsoft.AspNetCore.Components;

namespace PrivateRag.Web.Components.Account;

public partial class AccessDenied
{
    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    protected override void OnInitialized()
    {
        if (!HttpContext.Response.HasStarted) HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
