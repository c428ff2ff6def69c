using System.Diagnostics;
using System.Text.Json;

namespace PrivateRag.Web.Tests.Agents;

/// <summary>
/// Skipped, with the reason, when node or the official clients' packages (tests/PrivateRag.Web.Tests/Agents/node,
/// installed by <c>.ci/run</c>) are missing on a developer's machine. Under CI (<c>CI=true</c>) it is never skipped: the
/// test then fails with the same reason, so a broken install cannot pass as "skipped".
/// </summary>
public sealed class NodeClientsFactAttribute : FactAttribute
{
    public NodeClientsFactAttribute()
    {
        if (NodeClients.MissingReason() is { } reason && !NodeClients.InCi) Skip = reason;
    }
}

/// <summary>Runs the node scripts beside this file, which use the official MCP, OpenAI and OpenAPI-validator packages.</summary>
public static class NodeClients
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "PrivateRag.Web.Tests", "Agents", "node");
                if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            }
            return "";
        }
    }

    private static readonly string[] Packages = ["@modelcontextprotocol/sdk", "openai", "@seriousme/openapi-schema-validator"];

    public static string? MissingReason()
    {
        if (Folder.Length == 0) return "The node clients' folder (tests/PrivateRag.Web.Tests/Agents/node) was not found.";
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "node")));
        if (!onPath) return "node is not on PATH: install Node.js to run the tests with the official MCP and OpenAI clients.";
        foreach (var package in Packages)
            if (!Directory.Exists(Path.Combine(Folder, "node_modules", package)))
                return $"Run 'npm install --prefix {Folder}' for the official clients' tests ({package} is missing).";
        return null;
    }

    /// <summary>Runs <c>node SCRIPT ARGS...</c> and parses the one JSON line it prints; a non-zero exit fails the test.</summary>
    public static async Task<JsonElement> RunAsync(string script, params string[] args)
    {
        if (MissingReason() is { } reason) Assert.Fail(reason);
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {script} did not finish in 4 minutes: {await stderr}");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}: {await stderr}\n{output}");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
