using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PrivateRag.Web.Tests.Security;

/// <summary>A browser-like client: signs in through the real /login form and keeps the cookie.</summary>
internal static partial class Browser
{
    public static async Task<HttpClient> SignInAsync(WebApplicationFactory<WebEntryPoint> app, string userName, string password)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var fields = HiddenInputs(page);
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(fields));
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"sign-in as {userName} answered {(int)response.StatusCode}");
        return client;
    }

    public static async Task AddUserAsync(HttpClient admin, string userName, string password, string role = "user", params string[] groups) =>
        (await admin.PostAsJsonAsync("/api/users", new { userName, role, groups, password })).EnsureSuccessStatusCode();

    public static async Task<string> CreateKeyAsync(HttpClient admin, string name, string? userName = null, string? role = null)
    {
        var response = await admin.PostAsJsonAsync("/api/apikeys", new { name, userName, role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public static Dictionary<string, string> HiddenInputs(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.Ordinal)) continue;
            var name = NameAttribute().Match(tag);
            var value = ValueAttribute().Match(tag);
            if (name.Success) fields[WebUtility.HtmlDecode(name.Groups[1].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "";
        }
        return fields;
    }

    [GeneratedRegex("<input[^>]*>")] private static partial Regex InputTag();
    [GeneratedRegex("name=\"([^\"]*)\"")] private static partial Regex NameAttribute();
    [GeneratedRegex("value=\"([^\"]*)\"")] private static partial Regex ValueAttribute();
}
