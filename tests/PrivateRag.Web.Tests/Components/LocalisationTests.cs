using System.Globalization;
using System.Resources;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Tests.Components;

public sealed class LocalisationTests
{
    [Fact]
    public void German_has_every_english_string_and_none_is_left_in_english_by_mistake()
    {
        var resources = new ResourceManager("PrivateRag.Web.Resources.UiText", typeof(UiText).Assembly);
        var english = resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!
            .Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        var german = resources.GetResourceSet(CultureInfo.GetCultureInfo("de"), createIfNotExists: true, tryParents: false)!
            .Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);

        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(german.Keys));
        Assert.All(german, g => Assert.False(string.IsNullOrWhiteSpace(g.Value), g.Key));
        // Words that are the same in both languages are the exception; most strings must differ.
        Assert.True(english.Count(e => german[e.Key] == e.Value) < 8, "Too many German strings equal the English ones.");
    }

    [Theory]
    [InlineData(null, "de-DE,de;q=0.9,en;q=0.8", "de")]
    [InlineData(null, "fr-FR,fr;q=0.9", "en")]
    [InlineData(null, "fr;q=0.9,de;q=0.5,en;q=0.4", "de")]
    [InlineData("c=en|uic=en", "de-DE", "en")]
    [InlineData("c=de|uic=de", null, "de")]
    [InlineData(null, null, "en")]
    public void The_language_comes_from_the_picker_cookie_then_the_browser(string? cookie, string? acceptLanguage, string expected) =>
        Assert.Equal(expected, UiText.Choose(cookie, acceptLanguage));

    [Fact]
    public void Formats_use_the_chosen_culture()
    {
        Assert.Equal("S. 3–4", UiText.For("de")["PageRange", 3, 4]);
        Assert.Equal("pp. 3–4", UiText.For("en")["PageRange", 3, 4]);
        Assert.Equal("Missing.Key", UiText.For("de")["Missing.Key"].Value);
    }
}
