using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

/// <summary>
/// The app with a low per-address sign-in limit and a short lockout, and a test-only way (<c>X-Test-Address</c>) to
/// make a request come from a given client address, as requests from many machines would.
/// </summary>
public sealed class SessionApp : IAsyncLifetime
{
    public const int SignInsPerMinute = 4;
    public const int FreeFailures = 3;

    private readonly PrivateRagAppFactory _base = new(new Dictionary<string, string?>
    {
        ["RateLimits:SignInsPerMinute"] = SignInsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SignIn:FreeFailures"] = FreeFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SignIn:FirstLockout"] = "00:10:00",
    });

    public WebApplicationFactory<WebEntryPoint> App { get; private set; } = default!;

    public HttpClient Admin { get; private set; } = default!;

    public Task InitializeAsync()
    {
        App = _base.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, TestAddress>()));
        Admin = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PrivateRagAppFactory.AdminKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _base.DisposeAsync();
    }

    /// <summary>Sets the connection's remote address from <c>X-Test-Address</c> before the app's pipeline runs.</summary>
    private sealed class TestAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, proceed) =>
            {
                if (context.Request.Headers["X-Test-Address"] is [{ } address]) context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return proceed(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Sessions end when they should (issue 16, item 3) and sign-in guessing is throttled per address and per account
/// (item 2). A "saved cookie" is the sign-in cookie as a browser stored it, sent again by hand.
/// </summary>
public sealed class SessionTests(SessionApp fixture) : IClassFixture<SessionApp>
{
    private WebApplicationFactory<WebEntryPoint> App => fixture.App;

    private HttpClient Admin => fixture.Admin;

    private static int _address = 10;

    /// <summary>A client address no other test has used.</summary>
    private static string NewAddress() => $"10.0.{Interlocked.Increment(ref _address) / 250}.{_address % 250 + 1}";

    [Fact]
    public async Task A_saved_cookie_is_refused_after_sign_out_everywhere()
    {
        await Browser.AddUserAsync(Admin, "ines", "ines-password-1", "user", "staff");
        var saved = await SignInAsync("ines", "ines-password-1");
        var other = await SignInAsync("ines", "ines-password-1");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(saved));

        // From the other session, the user ends all of hers.
        Assert.Equal(HttpStatusCode.NoContent, (await PostWithCookieAsync(other, "/api/me/signout-everywhere", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(other));
        // A page is sent to the sign-in form, not shown.
        var page = await CookieClient().SendAsync(WithCookie(new HttpRequestMessage(HttpMethod.Get, "/"), saved));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        // A new sign-in works.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await SignInAsync("ines", "ines-password-1")));
        Assert.Contains((await AuditAsync(AuditKinds.SessionRevoked)).EnumerateArray(), e => e.GetProperty("target").GetString() == "ines");
    }

    [Fact]
    public async Task A_saved_cookie_is_refused_after_a_password_change_but_the_session_that_changed_it_goes_on()
    {
        await Browser.AddUserAsync(Admin, "jon", "jon-password-1");
        var saved = await SignInAsync("jon", "jon-password-1");
        var changer = await SignInAsync("jon", "jon-password-1");

        var wrong = await PostWithCookieAsync(changer, "/api/me/password", new { currentPassword = "not-his-password", newPassword = "jon-password-2" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(saved));

        var changed = await PostWithCookieAsync(changer, "/api/me/password", new { currentPassword = "jon-password-1", newPassword = "jon-password-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(changer)); // the old cookie of that session, too
        Assert.Equal(HttpStatusCode.OK, await MeAsync(AuthCookie(changed))); // the one it was given back
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAsync("jon", "jon-password-1"));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await SignInAsync("jon", "jon-password-2")));
    }

    [Fact]
    public async Task An_admin_setting_a_new_password_or_role_ends_the_users_sessions()
    {
        await Browser.AddUserAsync(Admin, "kim", "kim-password-1", "admin");
        var saved = await SignInAsync("kim", "kim-password-1");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(saved));

        // Demoted: the admin session ends (not only its admin pages).
        await Browser.AddUserAsync(Admin, "kim", "kim-password-1", "user");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved));

        var again = await SignInAsync("kim", "kim-password-1");
        await Browser.AddUserAsync(Admin, "kim", "kim-password-9", "user");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(again));
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_cookies_and_keys_stop_until_enabled()
    {
        await Browser.AddUserAsync(Admin, "lea", "lea-password-1", "user", "staff");
        var saved = await SignInAsync("lea", "lea-password-1");
        var key = await Browser.CreateKeyAsync(Admin, "lea's key", userName: "lea");
        var byKey = App.CreateClient();
        byKey.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await byKey.GetAsync("/api/me")).StatusCode);

        var disabled = await Admin.PostAsync("/api/users/lea/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved));
        Assert.Equal(HttpStatusCode.Unauthorized, (await byKey.GetAsync("/api/me")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAsync("lea", "lea-password-1"));

        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync("/api/users/lea/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await byKey.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved)); // that session stays ended
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await SignInAsync("lea", "lea-password-1")));
    }

    [Fact]
    public async Task An_admin_signs_a_user_out_everywhere()
    {
        await Browser.AddUserAsync(Admin, "max", "max-password-1");
        var saved = await SignInAsync("max", "max-password-1");
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync("/api/users/max/signout-everywhere", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(saved));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PostAsync("/api/users/nobody-here/signout-everywhere", null)).StatusCode);
    }

    [Fact]
    public async Task Account_actions_and_the_audit_log_refuse_non_admins_in_the_services_themselves()
    {
        await Browser.AddUserAsync(Admin, "ned", "ned-password-1");
        var plain = App.CreateClient();
        plain.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Browser.CreateKeyAsync(Admin, "ned's", userName: "ned"));
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.PostAsync("/api/users/ned/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/api/audit")).StatusCode);

        // Below the endpoints' policies: a page or a future caller that forgets the attribute still gets nothing.
        var ned = new AccessContext("ned", "ned", IsAdmin: false, new HashSet<string>());
        var services = App.Services;
        await Assert.ThrowsAsync<ForbiddenException>(() => services.GetRequiredService<StoreAuditLog>().QueryAsync(new AuditQuery(), ned));
        foreach (var action in Enum.GetValues<AccountAction>())
            await Assert.ThrowsAsync<ForbiddenException>(() => services.GetRequiredService<AccountService>().ApplyAsync(ned, "ned", action));
        Assert.False((await services.GetRequiredService<AccountService>().FindUserAsync("ned"))!.Disabled);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/login/")]
    [InlineData("/LOGIN")]
    public async Task Sign_in_posts_are_limited_per_address_whatever_the_spelling_of_the_path(string path)
    {
        var address = NewAddress();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SessionApp.SignInsPerMinute + 1; i++)
            statuses.Add((await PostSignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..6], "wrong-password", path, address)).StatusCode);
        Assert.All(statuses.Take(SessionApp.SignInsPerMinute), s => Assert.Equal(HttpStatusCode.OK, s)); // the form again, with the error
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // Another address is not affected; showing the form is not counted.
        Assert.Equal(HttpStatusCode.OK, (await PostSignInAsync("nobody", "wrong-password", path, NewAddress())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CookieClient().SendAsync(WithAddress(new HttpRequestMessage(HttpMethod.Get, path), address))).StatusCode);
    }

    [Fact]
    public async Task Guessing_one_accounts_password_from_many_addresses_locks_it_until_an_admin_unlocks_it()
    {
        await Browser.AddUserAsync(Admin, "olga", "olga-password-1");
        // Each guess from a fresh address: the per-address limit never bites.
        for (var i = 0; i < SessionApp.FreeFailures; i++)
            Assert.Null(AuthCookieOrNull(await PostSignInAsync("olga", $"guess-{i}", "/login", NewAddress())));

        // Locked: even the right password does not sign in now, from anywhere.
        Assert.Null(AuthCookieOrNull(await PostSignInAsync("olga", "olga-password-1", "/login", NewAddress())));
        var listed = (await Admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "olga");
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lockedUntil").ValueKind);
        Assert.Equal(SessionApp.FreeFailures, listed.GetProperty("failedSignIns").GetInt32());
        Assert.Contains((await AuditAsync(AuditKinds.Lockout)).EnumerateArray(), e => e.GetProperty("target").GetString() == "olga");

        var unlocked = await Admin.PostAsync("/api/users/olga/unlock", null);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lockedUntil").ValueKind);
        var cookie = AuthCookieOrNull(await PostSignInAsync("olga", "olga-password-1", "/login", NewAddress()));
        Assert.NotNull(cookie);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(cookie));
        Assert.Contains((await AuditAsync(AuditKinds.Lockout)).EnumerateArray(), e => e.GetProperty("detail").GetString() == "unlocked");
    }

    private HttpClient CookieClient() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>Posts the real sign-in form (with its antiforgery token) to <paramref name="path"/> from <paramref name="address"/>.</summary>
    private async Task<HttpResponseMessage> PostSignInAsync(string userName, string password, string path = "/login", string? address = null)
    {
        var client = CookieClient();
        var form = await client.SendAsync(WithAddress(new HttpRequestMessage(HttpMethod.Get, "/login"), address ?? NewAddress()));
        var fields = Browser.HiddenInputs(await form.Content.ReadAsStringAsync());
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        var post = WithAddress(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) }, address ?? NewAddress());
        post.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        return await client.SendAsync(post);
    }

    /// <summary>Signs in and returns the session cookie as a browser would store it; throws when the sign-in fails.</summary>
    private async Task<string> SignInAsync(string userName, string password) =>
        AuthCookieOrNull(await PostSignInAsync(userName, password)) ?? throw new InvalidOperationException($"{userName} could not sign in.");

    private static string? AuthCookieOrNull(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).Where(c => c.StartsWith("PrivateRag.Auth", StringComparison.Ordinal) && !c.EndsWith('=')).ToList() is { Count: > 0 } auth
                ? string.Join("; ", auth) : null
            : null;

    private static string AuthCookie(HttpResponseMessage response) => AuthCookieOrNull(response) ?? throw new InvalidOperationException("no sign-in cookie was set");

    private async Task<HttpStatusCode> MeAsync(string cookie) =>
        (await CookieClient().SendAsync(WithCookie(new HttpRequestMessage(HttpMethod.Get, "/api/me"), cookie))).StatusCode;

    /// <summary>A cookie call to the API as the browser makes it: with the antiforgery token.</summary>
    private async Task<HttpResponseMessage> PostWithCookieAsync(string cookie, string path, object body)
    {
        var client = CookieClient();
        var tokenResponse = await client.SendAsync(WithCookie(new HttpRequestMessage(HttpMethod.Get, "/api/antiforgery"), cookie));
        tokenResponse.EnsureSuccessStatusCode();
        var token = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>();
        var antiforgeryCookie = string.Join("; ", (tokenResponse.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])
            .Select(c => c.Split(';')[0]).Where(c => !c.StartsWith("PrivateRag.Auth", StringComparison.Ordinal)));
        var request = WithCookie(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, cookie + "; " + antiforgeryCookie);
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return await client.SendAsync(request);
    }

    private async Task<JsonElement> AuditAsync(string kind) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/audit?kind={kind}&pageSize=500")).GetProperty("items");

    private static HttpRequestMessage WithCookie(HttpRequestMessage request, string cookie)
    {
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    private static HttpRequestMessage WithAddress(HttpRequestMessage request, string address)
    {
        request.Headers.Add("X-Test-Address", address);
        return request;
    }
}
