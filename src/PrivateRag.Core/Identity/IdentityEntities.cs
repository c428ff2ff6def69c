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
