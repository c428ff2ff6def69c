using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PrivateRag.Tests;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

/// <summary>
/// The Entra sign-in path (Microsoft.Identity.Web's OpenID Connect handler, authorization code flow with PKCE and the
/// client secret) against a real, locally running OpenID Connect provider. What differs from Entra: the provider's
/// metadata address and issuer (set here, since Identity.Web derives them from Instance + TenantId), and the
/// "browser" is an HttpClient that follows the redirects. The same flow in Chromium, configured only through the
/// AzureAd keys, is PrivateRag.E2E.Tests' EntraSignInTests.
/// </summary>
public sealed class OidcSignInTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";

    [LocalOidcFact]
    public async Task Signing_in_through_the_provider_gives_a_cookie_session_with_role_and_groups()
    {
        var oid = Guid.NewGuid().ToString();
        await using var provider = await LocalOidcProvider.StartAsync(Tenant, oid, "Admin", "group-oid-1");
        await using var baseApp = EntraApp();
        await using var app = PointedAt(baseApp, provider);

        var browser = await SignInAsync(app, provider, "/admin/collections");

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(oid, me.GetProperty("subject").GetString());
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(["group-oid-1"], Groups(me));
        var audit = await app.CreateClientWithKeyOf(PrivateRagAppFactory.AdminKey).GetFromJsonAsync<JsonElement>("/api/audit?kind=sign-in");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("detail").GetString() == "entra" && e.GetProperty("success").GetBoolean());
    }

    [LocalOidcFact]
    public async Task With_graph_lookup_a_browser_session_reads_its_groups_again_after_the_refresh_interval_and_fails_closed()
    {
        var oid = Guid.NewGuid().ToString();
        await using var provider = await LocalOidcProvider.StartAsync(Tenant, oid, "User", "group-oid-1");
        var graph = new SwitchableGroupLookup(["group-oid-1"]);
        // The app's clock moves only when the test says: "within the interval" and "past it" cannot be blurred by a slow
        // request or by the session stamp's whole seconds. It starts on a whole second, near the real time the
        // provider's tokens are issued at.
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var baseApp = EntraApp(new()
        {
            ["AzureAd:GraphGroupLookup"] = "true",
            ["AzureAd:GroupRefreshInterval"] = "00:00:01",
            ["AzureAd:GroupCacheDuration"] = "00:00:00",
        });
        await using var app = PointedAt(baseApp, provider, services =>
        {
            services.AddSingleton<IEntraGroupLookup>(graph);
            services.AddSingleton<TimeProvider>(clock);
        });
        var browser = await SignInAsync(app, provider, "/");

        // Right after sign-in the ID token's groups stand; Graph is not asked.
        Assert.Equal(["group-oid-1"], Groups(await browser.GetFromJsonAsync<JsonElement>("/api/me")));
        Assert.Equal(0, graph.Calls);

        // The membership changes in the directory: once the interval has passed, the next request sees it and the
        // renewed cookie carries it.
        graph.Groups = ["group-oid-2"];
        clock.Advance(TimeSpan.FromSeconds(2));
        var refreshed = await browser.GetAsync("/api/me");
        Assert.Equal(["group-oid-2"], Groups(await refreshed.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Contains(refreshed.Headers.GetValues("Set-Cookie"), c => c.StartsWith("PrivateRag.Auth", StringComparison.Ordinal));
        var calls = graph.Calls;
        Assert.Equal(["group-oid-2"], Groups(await browser.GetFromJsonAsync<JsonElement>("/api/me")));
        Assert.Equal(calls, graph.Calls);

        // Graph fails: no group-based access for that request, and the next request asks again.
        graph.Failing = true;
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(Groups(await browser.GetFromJsonAsync<JsonElement>("/api/me")));
        graph.Failing = false;
        graph.Groups = ["group-oid-3"];
        Assert.Equal(["group-oid-3"], Groups(await browser.GetFromJsonAsync<JsonElement>("/api/me")));
    }

    private static string[] Groups(JsonElement me) => me.GetProperty("groups").EnumerateArray().Select(g => g.GetString() ?? "").ToArray();

    private static PrivateRagAppFactory EntraApp(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = Tenant,
            ["AzureAd:ClientId"] = "privaterag-client",
            ["AzureAd:ClientSecret"] = "local-secret",
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return new PrivateRagAppFactory(settings);
    }

    /// <summary>The in-process app cannot trust a local HTTPS certificate, so the metadata address is set here.</summary>
    private static WebApplicationFactory<WebEntryPoint> PointedAt(PrivateRagAppFactory app, LocalOidcProvider provider, Action<IServiceCollection>? more = null) =>
        app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.PostConfigure<OpenIdConnectOptions>(AuthSchemes.EntraOidc, o =>
            {
                o.Authority = provider.Url;
                o.MetadataAddress = provider.Url + "/.well-known/openid-configuration";
                o.RequireHttpsMetadata = false;
                o.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(o.MetadataAddress,
                    new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(o.Backchannel) { RequireHttps = false });
                o.TokenValidationParameters.ValidIssuer = provider.Url;
            });
            more?.Invoke(services);
        }));

    /// <summary>Follows the sign-in redirects as a browser would; returns the client holding the session cookie.</summary>
    private static async Task<HttpClient> SignInAsync(WebApplicationFactory<WebEntryPoint> app, LocalOidcProvider provider, string returnUrl)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var challenge = await browser.GetAsync("/account/signin-entra?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(provider.Url + "/authorize", authorize.ToString());
        Assert.Contains("response_type=code&", authorize.Query);
        Assert.Contains("code_challenge=", authorize.Query);

        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var approved = await outside.GetAsync(authorize);
        Assert.True(approved.Headers.Location is not null, $"{(int)approved.StatusCode} {authorize} {await approved.Content.ReadAsStringAsync()}");
        var callback = approved.Headers.Location!;
        Assert.Equal("/signin-oidc", callback.AbsolutePath);

        var signedIn = await browser.GetAsync(callback.PathAndQuery);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync()}");
        Assert.StartsWith("/account/signed-in", signedIn.Headers.Location!.OriginalString);
        Assert.Contains("PrivateRag.Auth", string.Join(";", signedIn.Headers.GetValues("Set-Cookie")));
        var hop = await browser.GetStringAsync(signedIn.Headers.Location!.OriginalString);
        Assert.Contains("url=" + returnUrl, hop);
        return browser;
    }
}

/// <summary>Graph as the test sets it: these groups, or an outage.</summary>
internal sealed class SwitchableGroupLookup(string[] groups) : IEntraGroupLookup
{
    public string[] Groups { get; set; } = groups;
    public bool Failing { get; set; }
    public int Calls { get; private set; }

    public Task<IReadOnlyList<string>> GetGroupIdsAsync(string objectId, string? tenantId, CancellationToken ct)
    {
        Calls++;
        return Failing ? throw new HttpRequestException("Graph is unavailable (test)") : Task.FromResult<IReadOnlyList<string>>(Groups);
    }
}

internal static class FactoryClients
{
    public static HttpClient CreateClientWithKeyOf(this WebApplicationFactory<WebEntryPoint> app, string key)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
