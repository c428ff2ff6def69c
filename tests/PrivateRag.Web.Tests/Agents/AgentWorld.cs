using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Web.Tests.Api;
using PrivateRag.Web.Tests.Security;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>
/// The real app listening on a local port (Kestrel, so node clients can reach it too), with two users in different
/// groups and a canary passage each can read and the other cannot: alice is in hr, carol in finance. Without a chat
/// model the app answers extractively, quoting the passages it found, which is all a permission test needs.
/// </summary>
public sealed class AgentWorld : IAsyncLifetime
{
    public const string HrCanary = "CANARY-HR-7731";
    public const string FinanceCanary = "CANARY-FIN-2290";

    public PrivateRagAppFactory App { get; } = new(new Dictionary<string, string?>
    {
        ["RateLimits:RequestsPerMinute"] = "100000",
        ["RateLimits:SearchPerMinute"] = "100000",
        ["RateLimits:ChatPerMinute"] = "100000",
    });

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = default!;
    public Guid Hr { get; private set; }
    public Guid Finance { get; private set; }
    public Guid Handbook { get; private set; }
    public Guid HrDocument { get; private set; }
    public Dictionary<string, string> Keys { get; } = new();

    public async Task InitializeAsync()
    {
        App.UseKestrel(0);
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));

        var admin = Client(PrivateRagAppFactory.AdminKey);
        Handbook = await admin.CreateCollectionAsync("handbook", new { everyone = true });
        Hr = await admin.CreateCollectionAsync("hr", new { groups = new[] { "hr" } });
        Finance = await admin.CreateCollectionAsync("finance", new { groups = new[] { "finance" } });
        var open = await admin.UploadAsync(Handbook, ("handbook.md", Encoding.UTF8.GetBytes(
            "# Pay\n\nThe salary band of every role is set by HR once a year. Salaries are reviewed in spring.\n")));
        var hr = await admin.UploadAsync(Hr, ("salaries.txt", Encoding.UTF8.GetBytes(
            $"The executive salary band is {HrCanary} euros per year. Quote the salary band only to HR staff.")));
        var finance = await admin.UploadAsync(Finance, ("budget.txt", Encoding.UTF8.GetBytes(
            $"The confidential travel budget code is {FinanceCanary}. The travel budget is reviewed quarterly.")));
        HrDocument = hr[0].GetProperty("id").GetGuid();
        foreach (var id in new[] { open[0].GetProperty("id").GetGuid(), HrDocument, finance[0].GetProperty("id").GetGuid() })
            Assert.Equal("indexed", (await admin.WaitForDocumentAsync(id)).GetProperty("status").GetString());
        foreach (var (user, group) in new[] { ("alice", "hr"), ("carol", "finance") })
        {
            await Browser.AddUserAsync(admin, user, $"{user}-password-1", "user", group);
            Keys[user] = await Browser.CreateKeyAsync(admin, user, userName: user);
        }
    }

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    /// <summary>A client of the listening app; with a key, it sends it as the bearer token.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A browser-like client signed in through the /login form, holding the sign-in cookie.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
        };
        var fields = Browser.HiddenInputs(await client.GetStringAsync("/login"));
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(fields));
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"sign-in as {userName} answered {(int)response.StatusCode}");
        return client;
    }

    /// <summary>A new user in <paramref name="group"/> with a key of their own, for tests that change or revoke it.</summary>
    public async Task<(string Key, Guid KeyId)> NewUserWithKeyAsync(string user, string group)
    {
        var admin = Client(PrivateRagAppFactory.AdminKey);
        await Browser.AddUserAsync(admin, user, $"{user}-password-1", "user", group);
        var response = await admin.PostAsJsonAsync("/api/apikeys", new { name = user, userName = user });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("key").GetString()!, created.GetProperty("id").GetGuid());
    }

    public async Task SetGroupsAsync(string user, params string[] groups) =>
        await Browser.AddUserAsync(Client(PrivateRagAppFactory.AdminKey), user, $"{user}-password-1", "user", groups);

    public async Task RevokeAsync(Guid keyId) =>
        (await Client(PrivateRagAppFactory.AdminKey).DeleteAsync($"/api/apikeys/{keyId}")).EnsureSuccessStatusCode();
}

[CollectionDefinition(Name)]
public sealed class AgentWorldCollection : ICollectionFixture<AgentWorld>
{
    public const string Name = "agent world";
}
