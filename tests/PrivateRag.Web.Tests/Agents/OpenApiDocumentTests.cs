using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>The generated OpenAPI document: valid by the specification's schema, and complete against the mapped endpoints.</summary>
[Collection(AgentWorldCollection.Name)]
public sealed partial class OpenApiDocumentTests(AgentWorld world)
{
    private async Task<(string Json, JsonElement Document)> DocumentAsync()
    {
        var response = await world.Client(PrivateRagAppFactory.AdminKey).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        return (json, JsonDocument.Parse(json).RootElement.Clone());
    }

    [NodeClientsFact]
    public async Task The_document_validates_against_the_openapi_schema()
    {
        var (json, _) = await DocumentAsync();
        var file = Path.Combine(Path.GetTempPath(), $"privaterag-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            var result = await NodeClients.RunAsync("validate-openapi.mjs", file);
            Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_mapped_api_and_v1_endpoint_is_in_the_document()
    {
        var (_, document) = await DocumentAsync();
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {Normalise(p.Name)}"))
            .ToHashSet();
        var mapped = world.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/v1", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        Assert.True(mapped.Count > 40, $"only {mapped.Count} endpoints found");
        Assert.Empty(mapped.Except(documented).Order());
        Assert.Contains("POST /api/chat", documented);
        Assert.Contains("POST /v1/chat/completions", documented);
        Assert.DoesNotContain(documented, d => d.Contains("/mcp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operations_carry_their_response_shapes_and_error_codes()
    {
        var (_, document) = await DocumentAsync();
        var search = document.GetProperty("paths").GetProperty("/api/search").GetProperty("post");
        var ok = search.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Contains("SearchResultsDto", ok.GetRawText());
        foreach (var status in new[] { "400", "401", "429" }) Assert.True(search.GetProperty("responses").TryGetProperty(status, out _), status);
        var create = document.GetProperty("paths").GetProperty("/api/collections").GetProperty("post").GetProperty("responses");
        Assert.True(create.TryGetProperty("201", out _));
        Assert.True(create.TryGetProperty("403", out _), "admin endpoints say 403");
        var document404 = document.GetProperty("paths").GetProperty("/api/documents/{id}").GetProperty("get").GetProperty("responses");
        Assert.True(document404.TryGetProperty("404", out _));
        var completions = document.GetProperty("paths").GetProperty("/v1/chat/completions").GetProperty("post").GetProperty("responses");
        Assert.True(completions.TryGetProperty("404", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task The_reference_page_is_for_signed_in_admins_under_the_apps_csp()
    {
        var admin = world.Client(PrivateRagAppFactory.AdminKey);
        (await admin.PostAsJsonAsync("/api/users", new { userName = "olga", role = "admin", groups = Array.Empty<string>(), password = "olga-password-1" })).EnsureSuccessStatusCode();
        using var browser = await world.SignInAsync("olga", "olga-password-1");
        var page = await browser.GetAsync("/admin/api/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        var nonce = NonceInPolicy().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("unsafe-inline'", csp.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)));
        // Every inline script carries the response's nonce; every script file comes from this app.
        foreach (Match script in ScriptTag().Matches(html))
        {
            var tag = script.Value;
            if (tag.Contains("src=", StringComparison.Ordinal)) Assert.DoesNotMatch("src=\"(https?:)?//", tag);
            else Assert.Contains($"nonce=\"{nonce}\"", tag);
        }
        Assert.Contains("/js/scalar-jitless.js", html);
        foreach (Match src in ScriptSource().Matches(html))
        {
            var asset = await browser.GetAsync(new Uri(new Uri(world.BaseAddress, "/admin/api/"), src.Groups[1].Value));
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{src.Groups[1].Value}: {(int)asset.StatusCode}");
        }

        using var user = await world.SignInAsync("alice", "alice-password-1");
        var refused = await user.GetAsync("/admin/api/");
        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden || refused.Headers.Location?.ToString().Contains("/access-denied", StringComparison.Ordinal) == true,
            $"a plain user got {(int)refused.StatusCode} {refused.Headers.Location}");
        var anonymous = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = world.BaseAddress }.GetAsync("/admin/api/");
        Assert.Contains("/login", anonymous.Headers.Location?.ToString() ?? "");
    }

    private static string Normalise(string path) => RouteConstraint().Replace(path, "{$1}").TrimEnd('/');

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"'nonce-([A-Za-z0-9+/=_-]+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex(@"<script\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<script\b[^>]*\bsrc=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
