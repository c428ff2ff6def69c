using System.Security.Cryptography;

namespace PrivateRag.Core.Identity;

/// <summary>
/// Password hashing with PBKDF2-SHA256 and a per-password salt, in a self-describing format
/// (<c>pbkdf2-sha256$iterations$salt$hash</c>) so the work factor can rise later without breaking old hashes.
/// </summary>
public static class PasswordHashing
{
    public const int DefaultIterations = 210_000;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}

/// <summary>
/// API keys are long random secrets, so one fast SHA-256 is enough to store them safely and lets a key be looked up
/// by its hash on every request.
/// </summary>
public static class ApiKeyHashing
{
    public const string KeyPrefix = "prk_";

    public static string NewKey() => KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>
    /// What lists, logs and the audit trail show of a key. A generated key's first characters (<c>prk_</c> and six of
    /// 43 random ones) identify it and reveal nothing usable; a secret someone chose (the bootstrap key) may be a
    /// guessable word, so none of it is shown: an id derived from its hash instead, which the store holds anyway.
    /// </summary>
    public static string DisplayId(string key, bool supplied) =>
        supplied || !key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? "key-" + Hash(key)[..8] : key[..Math.Min(key.Length, 10)];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
