using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Storage;
using PrivateRag.Web.Tests.Api;

namespace PrivateRag.Web.Tests.Security;

public sealed class AuditTests : IAsyncLifetime
{
    private readonly PrivateRagAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_ins_key_and_user_changes_are_audited_without_passwords_and_only_admins_read_the_log()
    {
        var admin = _app.CreateClientWithKey();
        await Browser.AddUserAsync(admin, "mallory", "mallory-secret-1", "user", "sales");
        var guesser = _app.CreateClient();
        var page = await guesser.GetStringAsync("/login");
        var fields = Browser.HiddenInputs(page);
        fields["Input.UserName"] = "mallory";
        fields["Input.Password"] = "not-the-password-9";
        Assert.Equal(HttpStatusCode.OK, (await guesser.PostAsync("/login", new FormUrlEncodedContent(fields))).StatusCode);
        await Browser.SignInAsync(_app, "mallory", "mallory-secret-1");
        var keyResponse = await admin.PostAsJsonAsync("/api/apikeys", new { name = "ci", role = "user" });
        var keyId = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/apikeys/{keyId}")).StatusCode);

        var raw = await admin.GetStringAsync("/api/audit?pageSize=500");
        Assert.DoesNotContain("mallory-secret-1", raw);
        Assert.DoesNotContain("not-the-password-9", raw);

        var signIns = await admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=sign-in&user=mallory");
        Assert.Equal(2, signIns.GetProperty("total").GetInt32());
        Assert.Equal([true, false], signIns.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("success").GetBoolean()));

        var created = await admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=key-created");
        var entry = created.GetProperty("items")[0];
        // The acting key is named by its hash-derived id: no part of the supplied bootstrap secret is recorded.
        Assert.Equal("apikey:" + PrivateRag.Core.Identity.ApiKeyHashing.DisplayId(Api.PrivateRagAppFactory.AdminKey, supplied: true), entry.GetProperty("subject").GetString());
        Assert.Equal(keyId.ToString(), entry.GetProperty("target").GetString());
        var revoked = await admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=key-revoked");
        Assert.Equal(keyId.ToString(), revoked.GetProperty("items")[0].GetProperty("target").GetString());
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/audit?kind=user-change");
        Assert.Contains("groups=[sales]", users.GetProperty("items")[0].GetProperty("detail").GetString());

        var pageOfOne = await admin.GetFromJsonAsync<JsonElement>("/api/audit?pageSize=1&page=2");
        Assert.Equal(1, pageOfOne.GetProperty("items").GetArrayLength());
        Assert.True(pageOfOne.GetProperty("total").GetInt32() >= 5);
        var future = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/audit?from={Uri.EscapeDataString(future)}")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit?kind=nonsense")).StatusCode);

        var user = _app.CreateClientWithKey(await Browser.CreateKeyAsync(admin, "m", userName: "mallory"));
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task A_question_is_audited_with_collections_and_conversation_and_its_text_only_when_configured()
    {
        var who = new AccessContext("alice", "Alice", false, new HashSet<string>());
        var collection = Guid.NewGuid();
        var conversation = Guid.NewGuid();
        await Log(includeText: false).RecordAsync(AuditEntry.Question(who, conversation, [collection], "What is the salary band?"));
        await Log(includeText: true).RecordAsync(AuditEntry.Question(who, conversation, [collection], "Second question"));

        var page = await Log(false).QueryAsync(new AuditQuery(Kind: AuditKinds.Question, Subject: "alice"), AccessContext.System);
        Assert.Equal(2, page.Total);
        var withoutText = page.Items.Single(i => i.Detail is null);
        Assert.Equal(conversation, withoutText.ConversationId);
        Assert.Equal([collection], withoutText.CollectionIds);
        Assert.Equal("Second question", page.Items.Single(i => i.Detail is not null).Detail);
    }

    [Fact]
    public async Task Entries_older_than_the_retention_period_are_deleted()
    {
        var who = new AccessContext("bob", "Bob", false, new HashSet<string>());
        await Log(false, new FixedClock(DateTimeOffset.UtcNow.AddDays(-31))).RecordAsync(AuditEntry.Deletion(who, "document", Guid.NewGuid()));
        await Log(false).RecordAsync(AuditEntry.Deletion(who, "document", Guid.NewGuid()));

        Assert.Equal(1, await Log(false, retentionDays: 30).DeleteExpiredAsync());
        Assert.Equal(1, (await Log(false).QueryAsync(new AuditQuery(Subject: "bob"), AccessContext.System)).Total);
    }

    private StoreAuditLog Log(bool includeText, TimeProvider? clock = null, int retentionDays = 180) => new(
        _app.Services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>(),
        new FixedOptions(new AuditOptions { IncludeQuestionText = includeText, RetentionDays = retentionDays }),
        clock ?? TimeProvider.System, NullLogger<StoreAuditLog>.Instance);

    private sealed class FixedOptions(AuditOptions value) : IOptionsMonitor<AuditOptions>
    {
        public AuditOptions CurrentValue => value;
        public AuditOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AuditOptions, string?> listener) => null;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
