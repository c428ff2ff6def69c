using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Identity;

public sealed class AccountServiceTests
{
    [Fact]
    public async Task A_password_is_stored_hashed_and_verifies()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        await accounts.AddOrUpdateUserAsync("alice", "admin", ["hr"], "correct horse");
        Assert.NotNull(await accounts.VerifyPasswordAsync("alice", "correct horse"));
        Assert.Null(await accounts.VerifyPasswordAsync("alice", "wrong password"));
        Assert.Null(await accounts.VerifyPasswordAsync("nobody", "correct horse"));
        Assert.StartsWith("pbkdf2-sha256$", PasswordHashing.Hash("x"));
    }

    [Fact]
    public void The_lockout_starts_after_the_free_failures_and_doubles_up_to_the_maximum()
    {
        var options = new SignInLockoutOptions { FreeFailures = 3, FirstLockout = TimeSpan.FromSeconds(30), MaxLockout = TimeSpan.FromMinutes(2) };
        Assert.Null(options.LockoutAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(30), options.LockoutAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(60), options.LockoutAfter(4));
        Assert.Equal(TimeSpan.FromSeconds(120), options.LockoutAfter(5));
        Assert.Equal(TimeSpan.FromSeconds(120), options.LockoutAfter(500));
        Assert.Null(new SignInLockoutOptions { FreeFailures = 0 }.LockoutAfter(1000));
    }

    [Fact]
    public async Task A_disabled_account_resolves_to_no_one_and_a_role_change_ends_its_sessions()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        var carl = await accounts.AddOrUpdateUserAsync("carl", "admin", [], "password1");
        Assert.NotNull(await accounts.ResolveSessionAsync("carl", carl.SessionVersion));
        var demoted = await accounts.AddOrUpdateUserAsync("carl", "user", ["x"], null);
        Assert.Null(await accounts.ResolveSessionAsync("carl", carl.SessionVersion));
        var regrouped = await accounts.AddOrUpdateUserAsync("carl", "user", [], null);
        Assert.Equal(demoted.SessionVersion, regrouped.SessionVersion); // groups are read per request; no need to end sessions
        await accounts.ApplyAsync(CoreTestHost.Admin, "carl", AccountAction.Disable);
        Assert.Null(await accounts.ResolveUserAsync("carl"));
        Assert.Null(await accounts.ResolveSessionAsync("carl", regrouped.SessionVersion + 1));
        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            accounts.ApplyAsync(new PrivateRag.Core.Access.AccessContext("carl", "carl", true, new HashSet<string>()), "carl", AccountAction.Disable));
    }

    [Fact]
    public async Task A_removed_group_takes_effect_on_the_next_resolution()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        await accounts.AddOrUpdateUserAsync("bob", "user", ["hr", "sales"], "password1");
        Assert.Contains("hr", (await accounts.ResolveUserAsync("bob"))!.Groups);
        await accounts.AddOrUpdateUserAsync("bob", "user", ["sales"], null);
        Assert.DoesNotContain("hr", (await accounts.ResolveUserAsync("bob"))!.Groups);
    }

    [Fact]
    public async Task An_api_key_is_kept_only_as_a_hash_acts_as_its_user_and_stops_when_revoked()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        await accounts.AddOrUpdateUserAsync("carol", "user", ["finance"], null);
        var key = await accounts.CreateApiKeyAsync("ci", null, "carol");
        Assert.StartsWith(ApiKeyHashing.KeyPrefix, key.Secret);
        var who = await accounts.ResolveApiKeyAsync(key.Secret);
        Assert.Equal("carol", who!.Subject);
        Assert.False(who.IsAdmin);
        Assert.Contains("finance", who.Groups);
        Assert.NotNull((await accounts.ListApiKeysAsync()).Single().LastUsedAt);
        Assert.True(await accounts.RevokeApiKeyAsync(key.Info.Id));
        Assert.Null(await accounts.ResolveApiKeyAsync(key.Secret));
        Assert.Null(await accounts.ResolveApiKeyAsync("prk_not-a-key"));
    }

    [Fact]
    public async Task The_bootstrap_key_is_created_once()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        await accounts.EnsureApiKeyAsync("bootstrap", "bootstrap-secret-123456");
        await accounts.EnsureApiKeyAsync("bootstrap", "bootstrap-secret-123456");
        Assert.Single(await accounts.ListApiKeysAsync());
        Assert.True((await accounts.ResolveApiKeyAsync("bootstrap-secret-123456"))!.IsAdmin);
    }

    [Fact]
    public async Task A_supplied_key_is_shown_by_a_hash_derived_id_and_an_old_stored_prefix_is_replaced()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        const string secret = "correct-horse-battery";
        await accounts.EnsureApiKeyAsync("bootstrap", secret);
        var shown = Assert.Single(await accounts.ListApiKeysAsync()).Prefix;
        Assert.Equal(ApiKeyHashing.DisplayId(secret, supplied: true), shown);
        Assert.DoesNotContain("correct", shown, StringComparison.Ordinal);

        // A row written by an earlier version kept the secret's first ten characters.
        await using (var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<PrivateRag.Core.Storage.PrivateRagDbContext>>().CreateDbContextAsync())
        {
            var row = db.ApiKeys.Single();
            row.Prefix = secret[..10];
            await db.SaveChangesAsync();
        }
        await accounts.EnsureApiKeyAsync("bootstrap", secret);
        Assert.Equal(shown, Assert.Single(await accounts.ListApiKeysAsync()).Prefix);
        // A generated key keeps its readable start: "prk_" and six random characters.
        var generated = await accounts.CreateApiKeyAsync("ci", "user", null);
        Assert.Equal(generated.Secret[..10], generated.Info.Prefix);
    }

    [Fact]
    public async Task Bad_input_gets_a_specific_error()
    {
        await using var host = await CoreTestHost.StartAsync();
        var accounts = host.Get<AccountService>();
        await Assert.ThrowsAsync<InvalidRequestException>(() => accounts.AddOrUpdateUserAsync("dave", "user", [], "short"));
        await Assert.ThrowsAsync<ArgumentException>(() => accounts.AddOrUpdateUserAsync("dave", "root", [], null));
        await Assert.ThrowsAsync<NotFoundException>(() => accounts.CreateApiKeyAsync("k", null, "ghost"));
    }
}
