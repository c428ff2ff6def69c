using System.Diagnostics;
using PrivateRag.Ingest.Readers.Ocr;

namespace PrivateRag.Ingest.Tests.Ocr;

/// <summary>The process runner OCR relies on: a slow tool is killed, never left behind.</summary>
public sealed class ExternalToolTests
{
    internal const string Sleep = "/bin/sleep";

    /// <summary>
    /// How long the slow tool would run on its own. Returning well before that is what shows it was killed rather
    /// than waited for; two minutes leave a loaded machine all the slack it needs to start and kill a process.
    /// </summary>
    private const int ToolSeconds = 123; // an unusual argument, so SleepsRunning finds only this test's sleep

    [SleepFact]
    public void A_tool_past_its_time_limit_is_killed()
    {
        var clock = Stopwatch.StartNew();

        Assert.Throws<ToolTimeoutException>(() => ExternalTool.Run(Sleep, [$"{ToolSeconds}"], TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(ToolSeconds / 2), $"took {clock.Elapsed}");
        Assert.Empty(SleepsRunning($"{ToolSeconds}"));
    }

    [SleepFact]
    public void Cancelling_kills_the_tool()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => ExternalTool.Run(Sleep, [$"{ToolSeconds + 1}"], TimeSpan.FromMinutes(5), cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(ToolSeconds / 2), $"took {clock.Elapsed}");
        Assert.Empty(SleepsRunning($"{ToolSeconds + 1}"));
    }

    [SleepFact]
    public void Output_and_exit_code_come_back()
    {

        var output = ExternalTool.Run(Sleep, ["--no-such-option"], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.NotEqual(0, output.ExitCode);
        Assert.Contains("sleep", output.FirstErrorLine, StringComparison.Ordinal);
    }

    /// <summary>sleep processes of this test (by their argument) still alive.</summary>
    private static List<int> SleepsRunning(string argument) =>
        [.. Process.GetProcessesByName("sleep").Where(p =>
        {
            try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Split('\0').Contains(argument); }
            catch (IOException) { return false; }
        }).Select(p => p.Id)];
}

/// <summary>A fact that runs <c>/bin/sleep</c> as the slow tool; skipped with the reason where there is none (Windows).</summary>
public sealed class SleepFactAttribute : FactAttribute
{
    public SleepFactAttribute()
    {
        if (!File.Exists(ExternalToolTests.Sleep)) Skip = $"{ExternalToolTests.Sleep} is not here: these tests run a real slow process.";
    }
}
