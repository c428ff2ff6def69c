using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Storage;

namespace PrivateRag.Core.Identity;

public sealed record UserInfo(Guid Id, string UserName, string? DisplayName, string Role, IReadOnlyList<string> Groups, bool HasPassword);

public sealed record ApiKeyInfo(Guid Id, string Name, string Prefix, string Role, string? UserName, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>An API key in use: which key, and the caller it acts as.</summary>
public sealed record ApiKeyCaller(Guid KeyId, string Prefix, AccessContext Access);

/// <summary>A freshly made key: the secret is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Secret);

/// <summary>Local accounts, their groups and API keys.</summary>
public sealed class AccountService(IDbContextFactory<PrivateRagDbContext> dbFactory, TimeProvider clock, IAuditLog? audit = null)
{
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
        user.Role = Roles.Normalize(role);
        if (password is not null) user.PasswordHash = PasswordHashing.Hash(password);
        db.UserGroups.RemoveRange(user.Groups);
        user.Groups = groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct()
            .Select(g => new UserGroup { UserId = user.Id, Group = g }).ToList();
        await db.SaveChangesAsync(ct);
        await AuditAsync(new AuditEntry(AuditKinds.UserChange, null, Target: user.UserName,
            Detail: $"role={user.Role}; groups=[{string.Join(", ", user.Groups.Select(g => g.Group))}]{(password is null ? "" : "; password set")}"));
        return ToInfo(user);
    }

    public async Task<IReadOnlyList<UserInfo>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().Include(u => u.Groups).OrderBy(u => u.UserName).ToListAsync(ct);
        return users.Select(ToInfo).ToList();
    }

    /// <summary>The account when the password matches; null otherwise (same time either way as far as practical).</summary>
    public async Task<UserInfo?> VerifyPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName.Trim(), ct);
        if (user?.PasswordHash is null)
        {
            PasswordHashing.Verify(password, DummyHash.Value); // keep timing similar for unknown users
            await AuditAsync(AuditEntry.SignIn(Clip(userName.Trim()), success: false, "password"));
            return null;
        }
        var ok = PasswordHashing.Verify(password, user.PasswordHash);
        await AuditAsync(AuditEntry.SignIn(user.UserName, ok, "password"));
        return ok ? ToInfo(user) : null;
    }

    /// <summary>Current role and groups of a user, read fresh so changes apply on the next request.</summary>
    public async Task<AccessContext?> ResolveUserAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Groups).FirstOrDefaultAsync(u => u.UserName == userName, ct);
        return user is null ? null : ToAccess(user);
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
            return user is null ? null : new ApiKeyCaller(entity.Id, entity.Prefix, ToAccess(user));
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

    private static UserInfo ToInfo(UserAccount u) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.Groups.Select(g => g.Group).Order().ToList(), u.PasswordHash is not null);

    private static AccessContext ToAccess(UserAccount u) =>
        new(u.UserName, u.DisplayName ?? u.UserName, u.Role == Roles.Admin, u.Groups.Select(g => g.Group).ToHashSet());
}
