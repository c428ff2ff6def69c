using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;

namespace PrivateRag.Web.Resources;

/// <summary>
/// The UI's words, from <c>UiText.resx</c> (English) and <c>UiText.de.resx</c> (German), for one culture. It is an
/// <see cref="IStringLocalizer"/> bound to an explicit culture rather than to the thread's, because a Blazor circuit's
/// events do not run on the request that chose the language. <see cref="Routes"/> cascades the instance for the
/// visitor's culture (cookie <c>.AspNetCore.Culture</c>, else Accept-Language); components without one use English.
/// </summary>
public sealed class UiText : IStringLocalizer
{
    public const string CookieName = ".AspNetCore.Culture";

    /// <summary>The languages the UI speaks completely; the first is the fallback.</summary>
    public static readonly IReadOnlyList<string> Supported = ["en", "de"];

    private static readonly ResourceManager Resources = new("PrivateRag.Web.Resources.UiText", typeof(UiText).Assembly);

    private static readonly Dictionary<string, UiText> ByCulture = Supported.ToDictionary(c => c, c => new UiText(CultureInfo.GetCultureInfo(c)));

    private UiText(CultureInfo culture) => Culture = culture;

    public static UiText Default => ByCulture[Supported[0]];

    public CultureInfo Culture { get; }

    public string Language => Culture.TwoLetterISOLanguageName;

    public static UiText For(string? culture) =>
        culture is not null && ByCulture.TryGetValue(Normalise(culture), out var text) ? text : Default;

    public LocalizedString this[string name]
    {
        get
        {
            var value = Resources.GetString(name, Culture);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(Culture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures)
    {
        var set = Resources.GetResourceSet(Culture, createIfNotExists: true, tryParents: includeParentCultures);
        if (set is null) yield break;
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            if (entry.Key is string key && entry.Value is string value) yield return new LocalizedString(key, value);
        }
    }

    /// <summary>
    /// The culture for a request: the culture cookie when it names a supported language, else the first supported
    /// language in Accept-Language (by quality), else English.
    /// </summary>
    public static string Choose(string? cookie, string? acceptLanguage)
    {
        if (!string.IsNullOrEmpty(cookie))
        {
            foreach (var part in cookie.Split('|'))
            {
                var value = part.StartsWith("uic=", StringComparison.Ordinal) || part.StartsWith("c=", StringComparison.Ordinal)
                    ? part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..] : null;
                if (value is not null && Supported.Contains(Normalise(value))) return Normalise(value);
            }
        }
        if (!string.IsNullOrEmpty(acceptLanguage))
        {
            var ranked = acceptLanguage.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select((item, index) =>
                {
                    var pieces = item.Split(';', StringSplitOptions.TrimEntries);
                    var q = 1.0;
                    foreach (var p in pieces.Skip(1))
                    {
                        if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase) &&
                            double.TryParse(p[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) q = parsed;
                    }
                    return (Tag: Normalise(pieces[0]), Q: q, Index: index);
                })
                .Where(x => x.Q > 0)
                .OrderByDescending(x => x.Q).ThenBy(x => x.Index);
            foreach (var (tag, _, _) in ranked)
            {
                if (Supported.Contains(tag)) return tag;
            }
        }
        return Supported[0];
    }

    private static string Normalise(string tag)
    {
        var dash = tag.IndexOfAny(['-', '_']);
        return (dash > 0 ? tag[..dash] : tag).Trim().ToLowerInvariant();
    }
}
