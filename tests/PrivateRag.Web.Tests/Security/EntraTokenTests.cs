using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

/// <summary>
/// The real app with Entra ID configured; tokens are issued in the test with its own RSA key, and the bearer scheme
/// reads a local metadata document (issuer + signing key) instead of Entra's.
/// </summary>
public sealed class EntraApp : IAsyncLifetime
{
    public const string TenantId = "11111111-2222-3333-4444-555555555555";
    public const string ClientId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string Audience = "api://privaterag-test";
    public static readonly string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";

    public RsaSecurityKey Key { get; } = new(RSA.Create(2048)) { KeyId = "test-key" };
    public FakeGroupLookup Groups { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();
    public PrivateRagAppFactory Base { get; } = new(new Dictionary<string, string?>
    {
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = TenantId,
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:ClientSecret"] = "not-used-in-tests",
        ["AzureAd:Audience"] = Audience,
        ["AzureAd:GraphGroupLookup"] = "true",
    });
    public WebApplicationFactory<WebEntryPoint> App { get; private set; } = default!;

    public Task InitializeAsync()
    {
        App = Base.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.PostConfigure<JwtBearerOptions>(AuthSchemes.EntraBearer, o =>
            {
                var metadata = new OpenIdConnectConfiguration { Issuer = Issuer };
                metadata.SigningKeys.Add(Key);
                o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata);
            });
            services.AddSingleton<IEntraGroupLookup>(Groups);
            services.AddSingleton<ILoggerProvider>(Logs);
            services.PostConfigure<OpenIdConnectOptions>(AuthSchemes.EntraOidc, o => o.ConfigurationManager =
                new StaticConfigurationManager<OpenIdConnectConfiguration>(new OpenIdConnectConfiguration
                {
                    Issuer = Issuer,
                    AuthorizationEndpoint = $"https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/authorize",
                    EndSessionEndpoint = $"https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/logout",
                }));
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Base.DisposeAsync();
    }

    public string Token(string oid, string[]? roles = null, string[]? groups = null, string issuer = "", string audience = Audience,
        SecurityKey? key = null, DateTime? expires = null, bool overage = false, string? scope = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["oid"] = oid, ["tid"] = TenantId, ["sub"] = oid, ["name"] = "User " + oid[..4], ["ver"] = "2.0", ["azp"] = ClientId,
        };
        if (roles is not null) claims["roles"] = roles;
        if (scope is not null) claims["scp"] = scope;
        if (groups is not null) claims["groups"] = groups;
        if (overage)
        {
            claims["_claim_names"] = new Dictionary<string, string> { ["groups"] = "src1" };
            claims["_claim_sources"] = new Dictionary<string, object> { ["src1"] = new Dictionary<string, string> { ["endpoint"] = "https://graph.windows.net/x/users/y/getMemberObjects" } };
        }
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Length == 0 ? Issuer : issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    public HttpClient Client(string token)
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient AdminKeyClient()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PrivateRagAppFactory.AdminKey);
        return client;
    }
}

public sealed class FakeGroupLookup : IEntraGroupLookup
{
    public Dictionary<string, string[]> Members { get; } = new();
    public int Calls { get; private set; }

    public Task<IReadOnlyList<string>> GetGroupIdsAsync(string objectId, string? tenantId, CancellationToken ct)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<string>>(Members.TryGetValue(objectId, out var g) ? g : []);
    }
}

public sealed class EntraTokenTests(EntraApp entra) : IClassFixture<EntraApp>
{
    private const string HrGroup = "9a1b2c3d-0000-4000-8000-000000000001";

    [Fact]
    public async Task A_valid_token_with_the_user_role_acts_as_that_user_with_its_groups()
    {
        var oid = Guid.NewGuid().ToString();
        var response = await entra.Client(entra.Token(oid, ["User"], [HrGroup])).GetAsync("/api/me");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.Headers.WwwAuthenticate}");
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(oid, me.GetProperty("subject").GetString());
        Assert.False(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal([HrGroup], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Group_claims_open_exactly_the_collections_granted_to_those_group_ids()
    {
        var admin = entra.AdminKeyClient();
        var hr = await admin.CreateCollectionAsync("hr-" + Guid.NewGuid().ToString("N")[..6], new { groups = new[] { HrGroup } });
        var other = await admin.CreateCollectionAsync("fin-" + Guid.NewGuid().ToString("N")[..6], new { groups = new[] { Guid.NewGuid().ToString() } });

        var member = await entra.Client(entra.Token(Guid.NewGuid().ToString(), ["User"], [HrGroup])).GetFromJsonAsync<JsonElement>("/api/collections");
        var ids = member.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(hr, ids);
        Assert.DoesNotContain(other, ids);

        var outsider = await entra.Client(entra.Token(Guid.NewGuid().ToString(), ["User"], [])).GetFromJsonAsync<JsonElement>("/api/collections");
        Assert.DoesNotContain(hr, outsider.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task The_admin_app_role_reaches_admin_endpoints_and_the_user_role_gets_403()
    {
        Assert.Equal(HttpStatusCode.OK, (await entra.Client(entra.Token(Guid.NewGuid().ToString(), ["Admin"])).GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await entra.Client(entra.Token(Guid.NewGuid().ToString(), ["User"])).GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task A_user_token_without_an_app_role_gets_403_and_a_token_with_neither_roles_nor_scopes_401()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await entra.Client(entra.Token(Guid.NewGuid().ToString(), roles: null, scope: "access_as_user")).GetAsync("/api/me")).StatusCode);
        // Microsoft.Identity.Web refuses a token that carries neither scp nor roles at authentication.
        Assert.Equal(HttpStatusCode.Unauthorized, (await entra.Client(entra.Token(Guid.NewGuid().ToString(), roles: null)).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Wrong_issuer_audience_signature_or_an_expired_token_get_401()
    {
        var oid = Guid.NewGuid().ToString();
        var otherKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" };
        var bad = new Dictionary<string, string>
        {
            ["issuer"] = entra.Token(oid, ["Admin"], issuer: "https://login.microsoftonline.com/99999999-9999-9999-9999-999999999999/v2.0"),
            ["audience"] = entra.Token(oid, ["Admin"], audience: "api://someone-else"),
            ["signature"] = entra.Token(oid, ["Admin"], key: otherKey),
            ["expiry"] = entra.Token(oid, ["Admin"], expires: DateTime.UtcNow.AddMinutes(-10)),
        };
        foreach (var (what, token) in bad)
            Assert.True(HttpStatusCode.Unauthorized == (await entra.Client(token).GetAsync("/api/me")).StatusCode, $"a token with a wrong {what} was accepted");
        // The same token, correctly issued, is accepted: the failures above are the checks, not the set-up.
        Assert.Equal(HttpStatusCode.OK, (await entra.Client(entra.Token(oid, ["Admin"])).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Groups_overage_is_resolved_through_the_graph_lookup()
    {
        var oid = Guid.NewGuid().ToString();
        entra.Groups.Members[oid] = [HrGroup];
        var me = await entra.Client(entra.Token(oid, ["User"], overage: true)).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal([HrGroup], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Api_keys_still_work_and_the_entra_sign_in_starts_at_the_authority()
    {
        Assert.Equal(HttpStatusCode.OK, (await entra.AdminKeyClient().GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await entra.Client("prk_not-a-real-key").GetAsync("/api/me")).StatusCode);

        var browser = entra.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var challenge = await browser.GetAsync("/account/signin-entra?returnUrl=%2Fadmin%2Fcollections");
        Assert.True(challenge.StatusCode == HttpStatusCode.Redirect,
            string.Join("\n", entra.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        var location = challenge.Headers.Location!.ToString();
        Assert.StartsWith($"https://login.microsoftonline.com/{EntraApp.TenantId}/oauth2/v2.0/authorize?", location);
        Assert.Contains($"client_id={EntraApp.ClientId}", location);
        Assert.Contains("redirect_uri=http%3A%2F%2Flocalhost%2Fsignin-oidc", location);
        // An open redirect is not possible through the return URL.
        var evil = await browser.GetAsync("/account/signed-in?returnUrl=https%3A%2F%2Fevil.example");
        Assert.DoesNotContain("evil.example", await evil.Content.ReadAsStringAsync());
    }
}

public sealed class EntraAccessTests
{
    [Fact]
    public async Task Groups_overage_without_graph_lookup_grants_no_groups_and_says_why_in_the_log()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        var access = new EntraAccess(new FixedMonitor<EntraSettings>(new EntraSettings { GraphGroupLookup = false }), factory.CreateLogger<EntraAccess>());
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new("oid", "o-1"), new("roles", "User"), new("groups", "should-not-matter"), new("_claim_names", "{\"groups\":\"src1\"}"),
        ], "test"));
        var who = await access.ResolveAsync(principal, CancellationToken.None);
        Assert.NotNull(who);
        Assert.Empty(who.Groups);
        Assert.Contains(logs.Lines, l => l.Contains("groups overage", StringComparison.Ordinal) && l.Contains("AzureAd:GraphGroupLookup", StringComparison.Ordinal));
    }
}

internal sealed class FixedMonitor<T>(T value) : Microsoft.Extensions.Options.IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

