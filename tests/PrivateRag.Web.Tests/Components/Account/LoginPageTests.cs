using Bunit;
using Microsoft.AspNetCore.Http;
using PrivateRag.Web.Components.Account;

namespace PrivateRag.Web.Tests.Components;

public sealed class LoginPageTests
{
    [Fact]
    public async Task The_sign_in_form_has_the_fields_tests_drive()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<Login>(p => p.AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        Assert.NotNull(cut.Find("[data-testid=login-username]"));
        Assert.Equal("password", cut.Find("[data-testid=login-password]").GetAttribute("type"));
        Assert.NotNull(cut.Find("[data-testid=login-submit]"));
        Assert.Empty(cut.FindAll("[data-testid=login-first-run]"));
    }

    [Fact]
    public async Task Without_any_account_the_page_explains_how_to_create_the_first_admin()
    {
        await using var ctx = new PrivateRagTestContext(withAccounts: false);

        var cut = ctx.Render<Login>(p => p.AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        var note = cut.Find("[data-testid=login-first-run]").TextContent;
        Assert.Contains("privaterag users add NAME --role admin --password", note, StringComparison.Ordinal);
        Assert.Contains("PRIVATERAG_BOOTSTRAP_ADMIN_KEY", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_speaks_german_and_offers_the_language_choice()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<Login>(p => p
            .AddCascadingValue<HttpContext>(new DefaultHttpContext())
            .AddCascadingValue(PrivateRag.Web.Resources.UiText.For("de")));

        Assert.Contains("Anmelden", cut.Find("[data-testid=login-submit]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("[data-testid=language-de]").GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find("[data-testid=language-en]").GetAttribute("aria-pressed"));
    }
}
