using MudBlazor;

namespace PrivateRag.Web.Components.Layout;

/// <summary>
/// The one theme of the app, shared by the interactive layout and the static sign-in page. Colours are chosen for
/// WCAG 2.2 AA contrast (4.5:1 for text) in both modes; axe-core checks them in the browser tests.
/// </summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4338ca",
            PrimaryContrastText = "#ffffff",
            Secondary = "#9d174d",
            Info = "#0369a1",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            AppbarBackground = "#3730a3",
            AppbarText = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDisabled = "rgba(0,0,0,0.45)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a5b4fc",
            PrimaryContrastText = "#111827",
            Secondary = "#f9a8d4",
            Info = "#7dd3fc",
            Success = "#86efac",
            Warning = "#fcd34d",
            Error = "#fca5a5",
            Background = "#15161c",
            Surface = "#1e1f27",
            AppbarBackground = "#1e1f27",
            AppbarText = "rgba(255,255,255,0.92)",
            DrawerBackground = "#1e1f27",
            TextPrimary = "rgba(255,255,255,0.92)",
            TextSecondary = "rgba(255,255,255,0.72)",
            ActionDefault = "rgba(255,255,255,0.80)",
            ActionDisabled = "rgba(255,255,255,0.50)",
            LinesDefault = "rgba(255,255,255,0.16)",
            LinesInputs = "rgba(255,255,255,0.45)",
        },
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
