using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Identity;

/// <summary>
/// The <c>SignIn</c> section: per-account backoff against password guessing. The per-address rate limit
/// (<c>RateLimits:SignInsPerMinute</c>) does not stop guesses spread over many addresses; this counts wrong passwords
/// per account, from anywhere. After <see cref="FreeFailures"/> wrong passwords the account is locked for
/// <see cref="FirstLockout"/>, doubled with each further failure up to <see cref="MaxLockout"/>; a correct password
/// (outside a lockout) or an admin's unlock resets the count.
/// </summary>
public sealed class SignInLockoutOptions
{
    public const string Section = "SignIn";

    /// <summary>Wrong passwords allowed before the first lockout; 0 turns the lockout off.</summary>
    [Range(0, 1000)] public int FreeFailures { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan FirstLockout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")] public TimeSpan MaxLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the account stays locked after its <paramref name="failures"/>-th wrong password; null: not locked.</summary>
    public TimeSpan? LockoutAfter(int failures)
    {
        if (FreeFailures == 0 || failures < FreeFailures) return null;
        var doublings = Math.Min(failures - FreeFailures, 30);
        var ticks = Math.Min((double)FirstLockout.Ticks * Math.Pow(2, doublings), MaxLockout.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
