using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Identity;

public sealed class AccountAuditTests
{
    [Fact]
    public async Task Sign_ins_user_and_key_changes_are_recorded_and_passwords_never_are()
    {
        await using var host = await CoreTestHost.StartAsync();
        var audit = new RecordingAuditLog();
        var accounts = new AccountService(host.Get<IDbContextFactory<PrivateRagDbContext>>(), TimeProvider.System, audit);

        await accounts.AddOrUpdateUserAsync("erin", "user", ["ops"], "erin-password-1");
        await accounts.VerifyPasswordAsync("erin", "wrong-password-2");
        await accounts.VerifyPasswordAsync("erin", "erin-password-1");
        await accounts.VerifyPasswordAsync("nobody", "guess-password-3");
        var key = await accounts.CreateApiKeyAsync("ci", "user", null);
        await accounts.RevokeApiKeyAsync(key.Info.Id);

        Assert.Equal(
            [AuditKinds.UserChange, AuditKinds.SignIn, AuditKinds.SignIn, AuditKinds.SignIn, AuditKinds.KeyCreated, AuditKinds.KeyRevoked],
            audit.Entries.Select(e => e.Kind));
        Assert.Equal([false, true, false], audit.Entries.Where(e => e.Kind == AuditKinds.SignIn).Select(e => e.Success));
        Assert.Equal("nobody", audit.Entries[3].Subject);
        var everything = string.Join("\n", audit.Entries);
        foreach (var secret in new[] { "erin-password-1", "wrong-password-2", "guess-password-3", key.Secret })
            Assert.DoesNotContain(secret, everything);
    }

    private sealed class RecordingAuditLog : IAuditLog
    {
        public List<AuditEntry> Entries { get; } = [];

        public Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }
}
