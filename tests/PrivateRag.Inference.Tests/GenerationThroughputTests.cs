using PrivateRag.Inference.Scheduling;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

public sealed class GenerationThroughputTests
{
    [Fact]
    public void Tokens_are_counted_per_whole_second_and_the_second_in_progress_is_left_out()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, 500, TimeSpan.Zero));
        var throughput = new GenerationThroughput(clock);

        throughput.Record(5);
        throughput.Record(7);
        clock.Advance(TimeSpan.FromSeconds(1));
        throughput.Record(3);
        Assert.Equal([0, 0, 12], throughput.PerSecond(3));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([0, 12, 3], throughput.PerSecond(3));
        Assert.Equal(15, throughput.TotalTokens);
        Assert.Equal(15 / 59.0, throughput.TokensPerSecond(), 6);
    }

    [Fact]
    public void Seconds_older_than_a_minute_are_forgotten_even_when_their_slot_is_reused()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, 500, TimeSpan.Zero));
        var throughput = new GenerationThroughput(clock);
        throughput.Record(100);

        clock.Advance(TimeSpan.FromSeconds(GenerationThroughput.WindowSeconds));
        throughput.Record(1); // same ring slot as the old second
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, throughput.PerSecond().Sum());
        Assert.Equal(101, throughput.TotalTokens);
        Assert.Equal(GenerationThroughput.WindowSeconds - 1, throughput.PerSecond().Count);
    }

    [Fact]
    public void Nothing_recorded_is_zero_not_an_error()
    {
        var throughput = new GenerationThroughput(new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, 500, TimeSpan.Zero)));

        Assert.Equal(0, throughput.TokensPerSecond());
        throughput.Record(0);
        Assert.Equal(0, throughput.TotalTokens);
    }

}
