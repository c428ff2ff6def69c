using System.Net;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

public sealed class AccessDeniedTests
{
    [Fact]
    public async Task A_plain_user_opening_an_admin_page_gets_a_403_page_without_admin_content()
    {
        await using var app = new PrivateRagAppFactory();
        var admin = app.CreateClientWithKey();
        await Browser.AddUserAsync(admin, "paula", "paula-password-1");
        var paula = await Browser.SignInAsync(app, "paula", "paula-password-1");

        var refused = await paula.GetAsync("/admin/collections");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/access-denied?ReturnUrl=%2Fadmin%2Fcollections", refused.Headers.Location!.PathAndQuery);

        var page = await paula.GetAsync(refused.Headers.Location);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("data-testid=\"no-access\"", html);
        Assert.DoesNotContain("data-testid=\"admin-collections\"", html);
        Assert.Contains("href=\"/login\"", html);
    }

    [Fact]
    public async Task The_denied_page_needs_no_access_itself_so_a_caller_refused_everything_is_not_sent_round_in_a_loop()
    {
        await using var app = new PrivateRagAppFactory();
        var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync("/access-denied");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("data-testid=\"no-access\"", await page.Content.ReadAsStringAsync());
    }
}
