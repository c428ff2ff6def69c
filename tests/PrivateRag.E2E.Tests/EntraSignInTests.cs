using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateRag.Tests;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>A browser test that also needs the local OpenID Connect provider (node and its npm package).</summary>
public sealed class BrowserOidcFactAttribute : FactAttribute
{
    public BrowserOidcFactAttribute()
    {
        if (!Browser.Available) Skip = Browser.MissingReason;
        else if (LocalOidcProvider.MissingReason() is { } reason) Skip = reason;
    }
}

/// <summary>
/// The local OpenID Connect provider, Entra-shaped (HTTPS, <c>/TENANT/v2.0</c>), and an app of its own configured for
/// Entra with the keys a real deployment sets (<c>AzureAd:Instance</c> = the provider, <c>TenantId</c>,
/// <c>ClientId</c>, <c>ClientSecret</c>, <c>Audience</c>) and nothing else: no test hook inside the app. The app trusts
/// the provider's certificate through <c>SSL_CERT_FILE</c>, the browser by ignoring certificate errors.
/// </summary>
public sealed class EntraWorld : IAsyncLifetime
{
    public const string Tenant = "7d2c1a4e-5b6f-4c3d-9e8f-0a1b2c3d4e5f";
    public const string SalesGroup = "3f1e6b2a-0c4d-4e5f-8a9b-1c2d3e4f5a6b";
    public const string BoardGroup = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    public const string Canary = "CANARY-BOARD-4471";
    public const string SalesCollection = "Sales travel";
    public const string BoardCollection = "Board papers";

    public static readonly LocalOidcUser Alice = new(Guid.NewGuid().ToString(), "Alice Admin", "alice@contoso.test", ["Admin"], []);
    public static readonly LocalOidcUser Bob = new(Guid.NewGuid().ToString(), "Bob Sales", "bob@contoso.test", ["User"], [SalesGroup]);

    public LocalOidcProvider Provider { get; private set; } = null!;
    public AppUnderTest App { get; private set; } = null!;
    public Browser Browser { get; } = new();
    public string? StartError { get; private set; }

    public async Task InitializeAsync()
    {
        if (!Browser.Available || LocalOidcProvider.MissingReason() is not null) return;
        Provider = await LocalOidcProvider.StartEntraLikeAsync(Tenant, new Dictionary<string, LocalOidcUser> { ["alice"] = Alice, ["bob"] = Bob });
        App = new AppUnderTest(new Dictionary<string, string>
        {
            ["AzureAd__Instance"] = Provider.Origin + "/",
            ["AzureAd__TenantId"] = Tenant,
            ["AzureAd__ClientId"] = "privaterag-e2e",
            ["AzureAd__ClientSecret"] = "local-provider-secret",
            ["AzureAd__Audience"] = "api://privaterag-e2e",
            ["SSL_CERT_FILE"] = Provider.TrustedRootsFile!,
        }, "app-entra.log");
        await App.InitializeAsync();
        StartError = App.StartError;
        if (StartError is not null) return;
        await Browser.InitializeAsync();
        await App.SeedAsync(SalesCollection, Pages.HandbookName, Pages.Handbook, new { groups = new[] { SalesGroup } });
        await App.SeedAsync(BoardCollection, "board-allowances.md", Encoding.UTF8.GetBytes($"""
            # Board travel allowances

            The daily meal allowance for board members is {Canary} euros for a full day away.
            Board members book first class for every journey. This paper is for the board only.
            """), new { groups = new[] { BoardGroup } });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EntraCollection : ICollectionFixture<EntraWorld>
{
    public const string Name = "Entra sign-in in a browser";
}

/// <summary>
/// Entra ID sign-in in Chromium, end to end, through Microsoft.Identity.Web's OpenID Connect handler (code flow, PKCE,
/// form_post, client secret over the back channel) against a real provider: the cross-site POST back to
/// <c>/signin-oidc</c>, the SameSite=Strict session cookie, roles and groups from the ID token, and sign-out at the provider.
/// </summary>
[Collection(EntraCollection.Name)]
public sealed class EntraSignInTests(EntraWorld world)
{
    [BrowserOidcFact]
    public async Task A_user_signs_in_through_the_provider_sees_only_its_groups_collections_and_signs_out_and_an_admin_signs_in_again()
    {
        Assert.True(world.StartError is null, world.StartError);
        var app = world.App.BaseUrl;
        await using var context = await world.Browser.Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
            Locale = "en-GB",
            ColorScheme = ColorScheme.Light,
            IgnoreHTTPSErrors = true, // the provider's certificate is made by the test; the app itself checks it
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var atProvider = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(world.Provider.Origin, StringComparison.Ordinal)) lock (atProvider) atProvider.Add(request.Method + " " + new Uri(request.Url).AbsolutePath);
        };

        // Bob has a session at the provider (its login page is skipped); the app knows nothing of him yet.
        await page.GotoAsync(world.Provider.SessionUrl("bob"));
        await Expect(page.GetByTestId("idp-session")).ToBeVisibleAsync();

        // / -> /login -> "Sign in with Microsoft" -> the provider approves -> form_post back -> signed in on /.
        await page.GotoAsync(app + "/");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2F$"));
        await page.GetByTestId("login-entra").ClickAsync();
        await page.WaitForURLAsync(app + "/");
        await Pages.WaitInteractiveAsync(page);
        lock (atProvider) Assert.Contains($"GET /{EntraWorld.Tenant}/v2.0/authorize", atProvider);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(EntraWorld.Bob.Name);
        await Pages.ShotAsync(page, "09-entra-signed-in");

        // The collection granted to his group is there, the board's is not: in the scope picker and in the API.
        await page.GetByTestId("scope-picker").ClickAsync();
        var options = page.Locator(".mud-popover-open .mud-list-item");
        await Expect(options.Filter(new() { HasText = EntraWorld.SalesCollection })).ToHaveCountAsync(1);
        await Expect(options.Filter(new() { HasText = EntraWorld.BoardCollection })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");
        var collections = await (await context.APIRequest.GetAsync(app + "/api/collections")).TextAsync();
        Assert.Contains(EntraWorld.SalesCollection, collections);
        Assert.DoesNotContain(EntraWorld.BoardCollection, collections);

        // A question whose answer is also in the board's paper: the answer comes from his handbook only.
        var answer = await Pages.AskAsync(page, "How much is the daily meal allowance?");
        await Expect(answer.GetByTestId("citation").First).ToContainTextAsync(Pages.HandbookName);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(EntraWorld.Canary);
        Assert.DoesNotContain(EntraWorld.Canary, await page.ContentAsync());
        Assert.DoesNotContain("board-allowances.md", await page.ContentAsync());

        // No admin content for the User role: a 403 page.
        var denied = await page.GotoAsync(app + "/admin/collections");
        Assert.Equal(403, denied!.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/access-denied\\?ReturnUrl=%2Fadmin%2Fcollections$"));
        await Expect(page.GetByTestId("no-access")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-collections")).ToHaveCountAsync(0);
        Assert.DoesNotContain(EntraWorld.BoardCollection, await page.ContentAsync());
        await Pages.ShotAsync(page, "10-entra-user-admin-denied");

        // Sign-out ends the app's session and the provider's: the next sign-in stops at the provider's login.
        await page.GotoAsync(app + "/");
        await Pages.WaitInteractiveAsync(page);
        lock (atProvider) atProvider.Clear();
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/login$"));
        lock (atProvider) Assert.Contains($"GET /{EntraWorld.Tenant}/v2.0/endsession", atProvider);
        await page.GotoAsync(app + "/");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2F$"));
        Assert.DoesNotContain(await context.CookiesAsync([app]), c => c.Name == "PrivateRag.Auth");
        await page.GetByTestId("login-entra").ClickAsync();
        await Expect(page.GetByTestId("idp-login")).ToBeVisibleAsync();

        // Alice signs in at the provider; signing in again goes through it and she, an Admin, reaches the admin pages.
        await page.GotoAsync(world.Provider.SessionUrl("alice"));
        lock (atProvider) atProvider.Clear();
        await page.GotoAsync(app + "/admin/collections");
        await page.GetByTestId("login-entra").ClickAsync();
        await page.WaitForURLAsync(app + "/admin/collections");
        lock (atProvider) Assert.Contains($"GET /{EntraWorld.Tenant}/v2.0/authorize", atProvider);
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(EntraWorld.Alice.Name);
        await Expect(page.GetByTestId("admin-collections")).ToContainTextAsync(EntraWorld.BoardCollection);
        await Expect(page.GetByTestId("admin-collections")).ToContainTextAsync(EntraWorld.SalesCollection);
        await Pages.ShotAsync(page, "11-entra-admin");
    }
}
