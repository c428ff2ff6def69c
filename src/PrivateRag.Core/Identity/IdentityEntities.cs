using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Core.Identity;

public static class Roles
{
    public const string Admin = "Admin";
    public const string User = "User";

    public static string Normalize(string role) =>
        role.Equals(Admin, StringComparison.OrdinalIgnoreCase) ? Admin
        : role.Equals(User, StringComparison.OrdinalIgnoreCase) ? User
        : throw new ArgumentException($"Unknown role '{role}'; use admin or user.", nameof(role));
}

/// <summary>A local account (embedded default) or a remembered external identity.</summary>
public sealed class UserAccount
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string UserName { get; set; }
    public string? DisplayName { get; set; }
    public string Role { get; set; } = Roles.User;
    /// <summary>Null for accounts that cannot sign in with a password.</summary>
    public string? PasswordHash { get; set; }
    public List<UserGroup> Groups { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>
    /// The security stamp: carried in the sign-in cookie and compared on every request and circuit action. Raised by
    /// sign-out-everywhere, a password change, disabling and a role change, so every earlier session ends.
    /// </summary>
    public int SessionVersion { get; set; }
    /// <summary>Set while the account is disabled: it cannot sign in and its sessions and keys act for no one.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    /// <summary>Wrong passwords since the last successful sign-in or unlock, from any address.</summary>
    public int FailedSignIns { get; set; }
    /// <summary>No password is checked before this time (growing with <see cref="FailedSignIns"/>).</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>
/// The session version of a signed-in identity that has no local account row (an Entra user, by <c>entra:objectid</c>):
/// absent means version 0. Raised by that user's sign-out-everywhere.
/// </summary>
public sealed class SessionStamp
{
    public required string Subject { get; set; }
    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class UserGroup
{
    public Guid UserId { get; set; }
    public required string Group { get; set; }
}

/// <summary>An API key: only its hash is stored. Acts as an admin, or as one user with that user's groups.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    /// <summary>First characters of the key, shown in listings so people can tell keys apart.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public string Role { get; set; } = Roles.User;
    public Guid? UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
