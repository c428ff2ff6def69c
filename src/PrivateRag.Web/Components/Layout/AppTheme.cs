using MudBlazor;

namespace PrivateRag.Web.Components.Layout;

/// <summary>The one theme of the app, shared by the interactive layout and the static sign-in page.</summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            // System fonts: the app is self-hosted and loads nothing from the internet.
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
