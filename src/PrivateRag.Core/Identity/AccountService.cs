using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Identity;

public sealed record UserInfo(Guid Id, string UserName, string? DisplayName, string Role, IReadOnlyList<string> Groups, bool HasPassword)
{
    /// <summary>The security stamp the sign-in cookie carries (see <see cref="UserAccount.SessionVersion"/>).</summary>
    public int SessionVersion { get; init; }
    public bool Disabled { get; init; }
    /// <summary>Wrong passwords counted towards the lockout.</summary>
    public int FailedSignIns { get; init; }
    /// <summary>Set while the account is locked after wrong passwords.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
}

/// <summary>An action an administrator takes on a local account.</summary>
public enum AccountAction { Unlock, Disable, Enable, SignOutEverywhere }

public sealed record ApiKeyInfo(Guid Id, string Name, string Prefix, string Role, string? UserName, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>An API key in use: which key, and the caller it acts as.</summary>
public sealed record ApiKeyCaller(Guid KeyId, string Prefix, AccessContext Access);

/// <summary>A freshly made key: the secret is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Secret);

/// <summary>Local accounts, their groups and API keys.</summary>
public sealed class AccountService(
    IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock, IAuditLog? audit = null,
    Microsoft.Extensions.Options.IOptionsMonitor<SignInLockoutOptions>? lockout = null)
{
    private SignInLockoutOptions Lockout => lockout?.CurrentValue ?? new SignInLockoutOptions();

    private Task AuditAsync(AuditEntry entry) => audit?.RecordAsync(entry) ?? Task.CompletedTask;

    public async Task<bool> AnyUsersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.PasswordHash != null, ct);
    }

    /// <summary>Creates a user, or updates role, groups and password of an existing one (so the CLI can be re-run).</summary>
    public async Task<UserInfo> AddOrUpdateUserAsync(string userName, string role, IReadOnlyCollection<string> groups, string? password, CancellationToken ct = default)
    {
        var name = userName.Trim();
        if (name.Length is 0 or > 256) throw new InvalidRequestException("A user name needs 1 to 256 characters.");
        if (password is { Length: < 8 }) throw new InvalidRequestException("A password needs at least 8 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null)
        {
            user = new UserAccount { UserName = name, CreatedAt = clock.GetUtcNow() };
            db.Users.Add(user);
        }
        var newRole = Roles.Normalize(role);
        // A new role or password ends the account's sessions: a demoted admin's open pages and saved cookies stop.
        var endSessions = user.Role != newRole && db.Entry(user).State != EntityState.Added || password is not null && user.PasswordHash is not null;
        user.Role = newRole;
        if (password is not null) user.PasswordHash = PasswordHashing.Hash(password);
        if (endSessions) user.SessionVersion++;
        db.UserGroups.RemoveRange(user.Groups);
        user.Groups = groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct()
            .Select(g => new UserGroup { UserId = user.Id, Group = g }).ToList();
        await db.SaveChangesAsync(ct);
        await AuditAsync(new AuditEntry(AuditKinds.UserChange, null, Target: user.UserName,
            Detail: $"role={user.Role}; groups=[{string.Join(", ", user.Groups.Select(g => g.Group))}]{(password is null ? "" : "; password set")}"));
        if (endSessions) await AuditAsync(new AuditEntry(AuditKinds.SessionRevoked, null, Target: user.UserName, Detail: "role or password changed"));
        return ToInfo(user);
    }

    public async Task<IReadOnlyList<UserInfo>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().Include(u => u.Groups).OrderBy(u => u.UserName).ToListAsync(ct);
        return users.Select(ToInfo).ToList();
    }

    /// <summary>
    /// The account when the password matches and the account may sign in; null otherwise (unknown, wrong password,
    /// disabled, or locked after repeated wrong passwords), at a similar cost either way. A locked account's password
    /// is not even checked, so guesses spread over many addresses gain nothing while it is locked.
    /// </summary>
    public async Task<UserInfo?> VerifyPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName.Trim(), ct);
        var now = clock.GetUtcNow();
        if (user?.PasswordHash is null)
        {
            PasswordHashing.Verify(password, DummyHash.Value); // keep timing similar for unknown users
            await AuditAsync(AuditEntry.SignIn(Clip(userName.Trim()), success: false, "password"));
            return null;
        }
        if (user.LockedUntil is { } until && until > now)
        {
            PasswordHashing.Verify(password, DummyHash.Value);
            await AuditAsync(AuditEntry.SignIn(user.UserName, success: false, "password; account locked"));
            return null;
        }
        var ok = PasswordHashing.Verify(password, user.PasswordHash);
        if (ok && user.DisabledAt is null)
        {
            if (user.FailedSignIns != 0 || user.LockedUntil is not null)
            {
                user.FailedSignIns = 0;
                user.LockedUntil = null;
                await db.SaveChangesAsync(ct);
            }
            await AuditAsync(AuditEntry.SignIn(user.UserName, true, "password"));
            return ToInfo(user);
        }
        if (!ok)
        {
            // Counted in the store (one row per account), so every web node and every address adds to the same count.
            user.FailedSignIns++;
            var lockFor = Lockout.LockoutAfter(user.FailedSignIns);
            user.LockedUntil = lockFor is { } span ? now + span : null;
            await db.SaveChangesAsync(ct);
            if (lockFor is { } locked)
                await AuditAsync(new AuditEntry(AuditKinds.Lockout, user.UserName, Target: user.UserName,
                    Detail: $"locked for {(int)locked.TotalSeconds} s after {user.FailedSignIns} wrong passwords"));
        }
        await AuditAsync(AuditEntry.SignIn(user.UserName, false, ok ? "password; account disabled" : "password"));
        return null;
    }

    /// <summary>One local account, or null.</summary>
    public async Task<UserInfo?> FindUserAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName, ct);
        return user is null ? null : ToInfo(user);
    }

    /// <summary>
    /// The caller of a local session, read fresh: null when the account is gone or disabled, or when
    /// <paramref name="sessionVersion"/> (from the cookie) is older than the account's (the session was ended).
    /// </summary>
    public async Task<AccessContext?> ResolveSessionAsync(string userName, int sessionVersion, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName, ct);
        return user is null || user.DisabledAt is not null || user.SessionVersion != sessionVersion ? null : ToAccess(user);
    }

    /// <summary>The session version of an identity without a local account (an Entra user); 0 until first raised.</summary>
    public async Task<int> ExternalSessionVersionAsync(string subject, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SessionStamps.AsNoTracking().Where(s => s.Subject == subject).Select(s => s.Version).FirstOrDefaultAsync(ct);
    }

    /// <summary>Ends every session of an identity without a local account (Entra): its cookies carry an older version.</summary>
    public async Task EndExternalSessionsAsync(string subject, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stamp = await db.SessionStamps.FirstOrDefaultAsync(s => s.Subject == subject, ct);
        if (stamp is null) db.SessionStamps.Add(stamp = new SessionStamp { Subject = subject });
        stamp.Version++;
        stamp.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await AuditAsync(new AuditEntry(AuditKinds.SessionRevoked, null, Target: subject, Detail: "sign out everywhere"));
    }

    /// <summary>The signed-in user's own password change: the current password must match; every session ends.</summary>
    public async Task<UserInfo> ChangePasswordAsync(string userName, string currentPassword, string newPassword, CancellationToken ct = default)
    {
        if (newPassword is not { Length: >= 8 }) throw new InvalidRequestException("A password needs at least 8 characters.");
        if (await VerifyPasswordAsync(userName, currentPassword, ct) is null)
            throw new InvalidRequestException("The current password is wrong.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.Include(u => u.Groups).FirstAsync(u => u.UserName == userName, ct);
        user.PasswordHash = PasswordHashing.Hash(newPassword);
        user.SessionVersion++;
        await db.SaveChangesAsync(ct);
        await AuditAsync(new AuditEntry(AuditKinds.UserChange, null, Target: user.UserName, Detail: "password changed"));
        await AuditAsync(new AuditEntry(AuditKinds.SessionRevoked, null, Target: user.UserName, Detail: "password changed"));
        return ToInfo(user);
    }

    /// <summary>The signed-in user ends all of their own sessions (this one too).</summary>
    public Task<UserInfo> SignOutEverywhereAsync(string userName, CancellationToken ct = default) =>
        ApplyAsync(userName, AccountAction.SignOutEverywhere, ct);

    /// <summary>An administrator's action on a local account; the role is checked here, not only by the caller.</summary>
    public Task<UserInfo> ApplyAsync(AccessContext admin, string userName, AccountAction action, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (!admin.IsAdmin) throw new ForbiddenException("Only administrators can change other accounts.");
        if (action == AccountAction.Disable && string.Equals(admin.Subject, userName, StringComparison.Ordinal))
            throw new InvalidRequestException("You cannot disable your own account.");
        return ApplyAsync(userName, action, ct);
    }

    private async Task<UserInfo> ApplyAsync(string userName, AccountAction action, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName, ct)
            ?? throw new NotFoundException($"User '{userName}' was not found.");
        var now = clock.GetUtcNow();
        switch (action)
        {
            case AccountAction.Unlock:
                user.FailedSignIns = 0;
                user.LockedUntil = null;
                break;
            case AccountAction.Disable:
                user.DisabledAt ??= now;
                user.SessionVersion++;
                break;
            case AccountAction.Enable:
                user.DisabledAt = null;
                user.FailedSignIns = 0;
                user.LockedUntil = null;
                break;
            case AccountAction.SignOutEverywhere:
                user.SessionVersion++;
                break;
        }
        await db.SaveChangesAsync(ct);
        var entry = action switch
        {
            AccountAction.Unlock => new AuditEntry(AuditKinds.Lockout, null, Target: user.UserName, Detail: "unlocked"),
            AccountAction.Disable => new AuditEntry(AuditKinds.UserChange, null, Target: user.UserName, Detail: "disabled"),
            AccountAction.Enable => new AuditEntry(AuditKinds.UserChange, null, Target: user.UserName, Detail: "enabled"),
            _ => new AuditEntry(AuditKinds.SessionRevoked, null, Target: user.UserName, Detail: "sign out everywhere"),
        };
        await AuditAsync(entry);
        if (action == AccountAction.Disable)
            await AuditAsync(new AuditEntry(AuditKinds.SessionRevoked, null, Target: user.UserName, Detail: "disabled"));
        return ToInfo(user);
    }

    /// <summary>Current role and groups of a user, read fresh so changes apply on the next request.</summary>
    public async Task<AccessContext?> ResolveUserAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName, ct);
        return user is null || user.DisabledAt is not null ? null : ToAccess(user);
    }

    public async Task<CreatedApiKey> CreateApiKeyAsync(string name, string? role, string? userName, string? secret = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Guid? userId = null;
        var keyRole = Roles.Admin;
        if (userName is not null)
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, ct)
                ?? throw new NotFoundException($"User '{userName}' was not found; add it first (users add).");
            userId = user.Id;
            keyRole = user.Role;
        }
        else if (role is not null)
        {
            keyRole = Roles.Normalize(role);
        }
        var key = secret ?? ApiKeyHashing.NewKey();
        var entity = new ApiKey
        {
            Name = string.IsNullOrWhiteSpace(name) ? "key" : name.Trim(),
            Prefix = ApiKeyHashing.DisplayId(key, supplied: secret is not null),
            Hash = ApiKeyHashing.Hash(key),
            Role = keyRole,
            UserId = userId,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        await AuditAsync(new AuditEntry(AuditKinds.KeyCreated, null, Target: entity.Id.ToString(),
            Detail: $"{entity.Name} ({entity.Prefix}…), {(userName is null ? "role " + entity.Role : "acts as " + userName)}"));
        return new CreatedApiKey(new ApiKeyInfo(entity.Id, entity.Name, entity.Prefix, entity.Role, userName, entity.CreatedAt, null, null), key);
    }

    /// <summary>Creates the bootstrap admin key once; a later start with the same value changes nothing.</summary>
    public async Task EnsureApiKeyAsync(string name, string secret, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = ApiKeyHashing.Hash(secret);
        if (await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash, ct) is { } existing)
        {
            // Stored by an earlier version with the first characters of the secret itself as its prefix: replace them.
            var display = ApiKeyHashing.DisplayId(secret, supplied: true);
            if (existing.Prefix != display)
            {
                existing.Prefix = display;
                await db.SaveChangesAsync(ct);
            }
            return;
        }
        await CreateApiKeyAsync(name, Roles.Admin, null, secret, ct);
    }

    /// <summary>The caller a key stands for, or null when it is unknown or revoked. Records when it was last used.</summary>
    public async Task<AccessContext?> ResolveApiKeyAsync(string key, CancellationToken ct = default) =>
        (await ResolveApiKeyCallerAsync(key, ct))?.Access;

    /// <summary>The key itself (id and prefix, for rate limits and the audit log) and the caller it stands for.</summary>
    public async Task<ApiKeyCaller?> ResolveApiKeyCallerAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = ApiKeyHashing.Hash(key);
        var entity = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        if (entity is null) return null;
        var now = clock.GetUtcNow();
        if (entity.LastUsedAt is null || now - entity.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.ApiKeys.Where(k => k.Id == entity.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        if (entity.UserId is { } userId)
        {
            var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.Id == userId, ct);
            // A disabled account's keys act for no one until it is enabled again.
            return user is null || user.DisabledAt is not null ? null : new ApiKeyCaller(entity.Id, entity.Prefix, ToAccess(user));
        }
        return new ApiKeyCaller(entity.Id, entity.Prefix,
            new AccessContext($"apikey:{entity.Prefix}", entity.Name, entity.Role == Roles.Admin, new HashSet<string>()));
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(ct);
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
        return keys.OrderBy(k => k.CreatedAt).Select(k => new ApiKeyInfo(k.Id, k.Name, k.Prefix, k.Role,
            k.UserId is { } id && users.TryGetValue(id, out var n) ? n : null, k.CreatedAt, k.LastUsedAt, k.RevokedAt)).ToList();
    }

    public async Task<bool> RevokeApiKeyAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var revoked = await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct) == 1;
        if (revoked) await AuditAsync(new AuditEntry(AuditKinds.KeyRevoked, null, Target: id.ToString()));
        return revoked;
    }

    // A failed sign-in records the name tried, never the password, and never more than a name's length.
    private static string Clip(string s) => s.Length <= 256 ? s : s[..256];

    private static readonly Lazy<string> DummyHash = new(() => PasswordHashing.Hash(Guid.NewGuid().ToString()));

    private UserInfo ToInfo(UserAccount u) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.Groups.Select(g => g.Group).Order().ToList(), u.PasswordHash is not null)
        {
            SessionVersion = u.SessionVersion,
            Disabled = u.DisabledAt is not null,
            FailedSignIns = u.FailedSignIns,
            LockedUntil = u.LockedUntil is { } until && until > clock.GetUtcNow() ? until : null,
        };

    private static AccessContext ToAccess(UserAccount u) =>
        new(u.UserName, u.DisplayName ?? u.UserName, u.Role == Roles.Admin, u.Groups.Select(g => g.Group).ToHashSet());
}
