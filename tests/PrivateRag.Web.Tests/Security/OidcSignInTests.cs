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
/// "browser" is an HttpClient that follows the redirects.
/// </summary>
public sealed class OidcSignInTests
{
    [LocalOidcFact]
    public async Task Signing_in_through_the_provider_gives_a_cookie_session_with_role_and_groups()
    {
        const string tenant = "11111111-2222-3333-4444-555555555555";
        var oid = Guid.NewGuid().ToString();
        await using var provider = await LocalOidcProvider.StartAsync(tenant, oid, "Admin", "group-oid-1");
        await using var baseApp = new PrivateRagAppFactory(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = tenant,
            ["AzureAd:ClientId"] = "privaterag-client",
            ["AzureAd:ClientSecret"] = "local-secret",
        });
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.PostConfigure<OpenIdConnectOptions>(AuthSchemes.EntraOidc, o =>
            {
                o.Authority = provider.Url;
                o.MetadataAddress = provider.Url + "/.well-known/openid-configuration";
                o.RequireHttpsMetadata = false;
                o.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(o.MetadataAddress,
                    new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(o.Backchannel) { RequireHttps = false });
                o.TokenValidationParameters.ValidIssuer = provider.Url;
            })));

        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var challenge = await browser.GetAsync("/account/signin-entra?returnUrl=%2Fadmin%2Fcollections");
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
        Assert.Contains("url=/admin/collections", hop);

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(oid, me.GetProperty("subject").GetString());
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(["group-oid-1"], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var audit = await app.CreateClientWithKeyOf(PrivateRagAppFactory.AdminKey).GetFromJsonAsync<JsonElement>("/api/audit?kind=sign-in");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("detail").GetString() == "entra" && e.GetProperty("success").GetBoolean());
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
