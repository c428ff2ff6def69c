using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace PrivateRag.Ingest.Readers.Ocr;

/// <summary>What a finished command-line tool printed and returned.</summary>
internal sealed record ToolOutput(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The first line of stderr (or stdout), for error messages.</summary>
    public string FirstErrorLine =>
        (StandardError + "\n" + StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? "no message";
}

/// <summary>The tool ran longer than it was allowed to and was killed.</summary>
internal sealed class ToolTimeoutException(string tool, TimeSpan limit)
    : TimeoutException($"{tool} ran longer than {limit.TotalSeconds:0.###} s and was stopped.")
{
    public TimeSpan Limit { get; } = limit;
}

/// <summary>
/// Runs one command-line tool (no shell: arguments are passed as a list, so file names are never interpreted) with a
/// wall-clock limit. On time-out or cancellation the process and its children are killed before this returns.
/// </summary>
internal static class ExternalTool
{
    private const int MaxOutputChars = 8 * 1024 * 1024;

    /// <exception cref="Win32Exception">The executable does not exist or cannot be run.</exception>
    /// <exception cref="ToolTimeoutException">It ran past <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static ToolOutput Run(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ct.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        process.Start();
        process.StandardInput.Close();
        var stdout = ReadCappedAsync(process.StandardOutput);
        var stderr = ReadCappedAsync(process.StandardError);
        using (ct.Register(() => Kill(process)))
        {
            if (!process.WaitForExit(timeout))
            {
                Kill(process);
                process.WaitForExit();
                ct.ThrowIfCancellationRequested();
                throw new ToolTimeoutException(Path.GetFileName(executable), timeout);
            }
            // The parameterless wait also waits for the redirected streams to reach their end.
            process.WaitForExit();
        }
        ct.ThrowIfCancellationRequested();
        return new ToolOutput(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var sb = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            // Keep draining past the cap: a child blocked on a full pipe would never exit.
            if (sb.Length < MaxOutputChars) sb.Append(buffer, 0, Math.Min(read, MaxOutputChars - sb.Length));
        }
        return sb.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        catch (Win32Exception)
        {
            // exiting right now; nothing left to stop
        }
    }
}
