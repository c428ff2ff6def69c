using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

public sealed class HardeningApp() : IAsyncLifetime
{
    public PrivateRagAppFactory App { get; } = new(new Dictionary<string, string?>
    {
        ["Widget:AllowedOrigins:0"] = "https://intranet.example.com",
        ["RateLimits:SearchPerMinute"] = "3",
        ["Requests:MaxJsonBytes"] = "4096",
    });

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed partial class HardeningTests(HardeningApp fixture) : IClassFixture<HardeningApp>
{
    private PrivateRagAppFactory App => fixture.App;

    [Fact]
    public async Task Every_response_carries_the_security_headers_and_only_the_widget_frame_may_be_embedded()
    {
        var client = App.CreateClient();
        var response = await client.GetAsync("/health/live");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp);
        Assert.Contains("img-src 'self' data:", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());

        var unauthorized = await client.GetAsync("/api/collections");
        Assert.Contains("frame-ancestors 'none'", unauthorized.Headers.GetValues("Content-Security-Policy").Single());

        var embed = await client.GetAsync("/embed/chat");
        var embedCsp = embed.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'self' https://intranet.example.com", embedCsp);
        Assert.DoesNotContain("frame-ancestors 'none'", embedCsp);
        Assert.False(embed.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task The_pages_import_map_is_allowed_by_its_hash()
    {
        var response = await App.CreateClient().GetAsync("/login");
        var html = await response.Content.ReadAsStringAsync();
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var importMap = ImportMapScript().Match(html);
        Assert.True(importMap.Success, "the page renders an import map");
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.Groups[1].Value)));
        Assert.Contains($"'sha256-{hash}'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
    }

    [Fact]
    public async Task Too_many_searches_from_one_key_get_429_with_retry_after_and_other_keys_go_on()
    {
        var admin = App.CreateClientWithKey();
        var first = App.CreateClientWithKey(await Browser.CreateKeyAsync(admin, "limited", role: "user"));
        var second = App.CreateClientWithKey(await Browser.CreateKeyAsync(admin, "other", role: "user"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await first.PostAsJsonAsync("/api/search", new { query = "anything" })).StatusCode);
        var limited = await first.PostAsJsonAsync("/api/search", new { query = "anything" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsJsonAsync("/api/search", new { query = "anything" })).StatusCode);
    }

    [Fact]
    public async Task An_oversized_json_body_gets_413_whether_or_not_its_length_is_declared()
    {
        var client = App.CreateClientWithKey();
        var big = JsonSerializer.Serialize(new { query = new string('x', 10_000) });
        var declared = await client.PostAsync("/api/search", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("Requests:MaxJsonBytes", await declared.Content.ReadAsStringAsync());

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_cookie_call_to_the_api_needs_the_antiforgery_token_and_an_api_key_call_does_not()
    {
        var admin = App.CreateClientWithKey();
        await Browser.AddUserAsync(admin, "root", "root-password-1", "admin");
        var browser = await Browser.SignInAsync(App, "root", "root-password-1");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/collections")).StatusCode);

        var forged = await browser.PostAsJsonAsync("/api/collections", new { name = "forged" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("antiforgery", await forged.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.DeleteAsync($"/api/apikeys/{Guid.NewGuid()}")).StatusCode);

        var token = await browser.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/collections") { Content = JsonContent.Create(new { name = "with-token" }) };
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(request)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/collections", new { name = "by-key" })).StatusCode);
    }

    [GeneratedRegex("<script type=\"importmap\"[^>]*>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMapScript();
}
