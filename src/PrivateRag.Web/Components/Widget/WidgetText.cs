using System.Text.RegularExpressions;

namespace PrivateRag.Web.Components.Widget;

/// <summary>
/// The words only the widget frame and its admin page use (English and German, like <c>UiText</c>), and the parsing
/// of the frame's query string. Kept apart from <c>UiText.resx</c> so the widget ships as new files only.
/// </summary>
public static partial class WidgetText
{
    public const string DefaultTitle = "Ask PrivateRag";

    public const string DefaultAccent = "#4f46e5";

    private static readonly Dictionary<string, Dictionary<string, string>> Words = new(StringComparer.Ordinal)
    {
        ["en"] = new(StringComparer.Ordinal)
        {
            ["SignInPrompt"] = "Sign in to ask questions about the documents you can access.",
            ["SignInButton"] = "Sign in",
            ["PopupBlocked"] = "The sign-in window was blocked. Open the sign-in page in a new tab, then reload this page.",
            ["OpenSignInTab"] = "Open the sign-in page",
            ["NoCollections"] = "You do not have access to the collections this widget asks about.",
            ["NoCollectionsHint"] = "Ask the owner of this page or your administrator for access.",
            ["Scope"] = "Answers from: {0}",
            ["AllReadable"] = "all collections you can read",
            ["OpenInApp"] = "Open in PrivateRag",
            ["TooMany"] = "Too many questions in a short time; try again in a minute.",
            ["Empty"] = "Ask a question; answers cite the documents they come from.",
            ["SignedInTitle"] = "Signed in",
            ["SignedInText"] = "You are signed in. This window closes by itself; if it does not, close it and return to the page you came from.",
        },
        ["de"] = new(StringComparer.Ordinal)
        {
            ["SignInPrompt"] = "Melden Sie sich an, um Fragen zu den Dokumenten zu stellen, auf die Sie Zugriff haben.",
            ["SignInButton"] = "Anmelden",
            ["PopupBlocked"] = "Das Anmeldefenster wurde blockiert. Öffnen Sie die Anmeldeseite in einem neuen Tab und laden Sie diese Seite danach neu.",
            ["OpenSignInTab"] = "Anmeldeseite öffnen",
            ["NoCollections"] = "Sie haben keinen Zugriff auf die Sammlungen, zu denen dieses Widget Fragen beantwortet.",
            ["NoCollectionsHint"] = "Bitten Sie die Verantwortlichen dieser Seite oder Ihre Administration um Zugriff.",
            ["Scope"] = "Antworten aus: {0}",
            ["AllReadable"] = "allen Sammlungen, die Sie lesen dürfen",
            ["OpenInApp"] = "In PrivateRag öffnen",
            ["TooMany"] = "Zu viele Fragen in kurzer Zeit; versuchen Sie es in einer Minute erneut.",
            ["Empty"] = "Stellen Sie eine Frage; Antworten nennen die Dokumente, aus denen sie stammen.",
            ["SignedInTitle"] = "Angemeldet",
            ["SignedInText"] = "Sie sind angemeldet. Dieses Fenster schließt sich selbst; falls nicht, schließen Sie es und kehren Sie zur vorherigen Seite zurück.",
        },
    };

    public static string Get(string? language, string key) =>
        (language is not null && Words.TryGetValue(language, out var words) ? words : Words["en"]).TryGetValue(key, out var value)
            ? value
            : Words["en"][key];

    /// <summary>The <c>collections</c> parameter: ids or names, separated by commas; blanks and duplicates dropped.</summary>
    public static IReadOnlyList<string> ParseCollections(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.OrdinalIgnoreCase).Take(50).ToList();

    /// <summary>A <c>#rgb</c> or <c>#rrggbb</c> colour, else the default: nothing else reaches a style attribute.</summary>
    public static string Accent(string? value) => value is not null && HexColour().IsMatch(value) ? value : DefaultAccent;

    /// <summary>The panel's title, trimmed to 80 characters; the default when missing.</summary>
    public static string Title(string? value) =>
        string.IsNullOrWhiteSpace(value) ? DefaultTitle : value.Trim() is { Length: > 80 } t ? t[..80] : value.Trim();

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}){1,2}$")]
    private static partial Regex HexColour();
}
