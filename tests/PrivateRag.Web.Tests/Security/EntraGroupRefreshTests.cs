using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

/// <summary>
/// Group refresh for Entra browser sessions (the cookie side is in OidcSignInTests). A Blazor circuit keeps the
/// principal it started with, so the cookie refresh never reaches it; EntraAccess itself turns to Graph once that
/// principal's groups are older than the refresh interval.
/// </summary>
public sealed class EntraGroupRefreshTests
{
    private const string Oid = "5f0e2d1c-0000-4000-8000-00000000c1c1";

    [Fact]
    public async Task A_circuit_whose_groups_are_older_than_the_refresh_interval_gets_them_from_graph()
    {
        var graph = new FakeGroupLookup();
        graph.Members[Oid] = ["group-now"];
        var access = Access(graph, lookupOn: true);

        var fresh = await access.ResolveAsync(Circuit(signedInAgo: TimeSpan.FromMinutes(1)), default);
        Assert.Equal(["group-at-sign-in"], fresh!.Groups);
        Assert.Equal(0, graph.Calls);

        var old = await access.ResolveAsync(Circuit(signedInAgo: TimeSpan.FromMinutes(20)), default);
        Assert.Equal(["group-now"], old!.Groups);
        Assert.Equal(1, graph.Calls);
    }

    [Fact]
    public async Task Without_graph_lookup_the_token_groups_stand_however_old_the_session()
    {
        var graph = new FakeGroupLookup();
        var access = Access(graph, lookupOn: false);
        var who = await access.ResolveAsync(Circuit(signedInAgo: TimeSpan.FromDays(3)), default);
        Assert.Equal(["group-at-sign-in"], who!.Groups);
        Assert.Equal(0, graph.Calls);
    }

    [Fact]
    public async Task With_graph_lookup_on_the_app_starts_with_the_real_graph_client_and_the_session_refresh()
    {
        await using var app = new PrivateRagAppFactory(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd:ClientId"] = "privaterag-client",
            ["AzureAd:ClientSecret"] = "local-secret",
            ["AzureAd:GraphGroupLookup"] = "true",
        });
        using var scope = app.Services.CreateScope();
        Assert.IsType<GraphGroupLookup>(scope.ServiceProvider.GetRequiredService<IEntraGroupLookup>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<EntraSessionGroups>());
        var settings = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<EntraSettings>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), settings.GroupRefreshInterval);
        // The sign-in code is redeemed by the OpenID Connect handler itself, not by MSAL (no offline_access asked).
        var oidc = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>>()
            .Get(AuthSchemes.EntraOidc);
        Assert.DoesNotContain("offline_access", oidc.Scope);
    }

    [Fact]
    public async Task A_refresh_interval_out_of_range_stops_the_app_at_start()
    {
        await using var app = new PrivateRagAppFactory(new Dictionary<string, string?>
        {
            ["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd:ClientId"] = "privaterag-client",
            ["AzureAd:GroupRefreshInterval"] = "00:00:00",
        });
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains("GroupRefreshInterval", error.ToString());
    }

    private static EntraAccess Access(FakeGroupLookup graph, bool lookupOn) =>
        new(new FixedMonitor<EntraSettings>(new EntraSettings { GraphGroupLookup = lookupOn, GroupRefreshInterval = TimeSpan.FromMinutes(5) }),
            NullLogger<EntraAccess>.Instance, graph, TimeProvider.System);

    private static ClaimsPrincipal Circuit(TimeSpan signedInAgo) => new(new ClaimsIdentity(
    [
        new Claim("oid", Oid), new Claim("roles", "User"), new Claim("name", "Carla Circuit"), new Claim("groups", "group-at-sign-in"),
        new Claim(EntraSessionGroups.RefreshedClaim, (DateTimeOffset.UtcNow - signedInAgo).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    ], "AuthenticationTypes.Federation"));
}
