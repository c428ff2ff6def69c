namespace PrivateRag.Tests;

/// <summary>A clock that moves only when a test says so (leases, retries, rate windows).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
