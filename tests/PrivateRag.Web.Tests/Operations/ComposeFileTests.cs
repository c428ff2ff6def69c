using System.Diagnostics;

namespace PrivateRag.Web.Tests.Operations;

public sealed class ComposeFileTests
{
    [Fact]
    public async Task The_distributed_stack_compose_file_is_valid_and_names_every_role()
    {
        var repo = FindRepositoryRoot();
        var tool = Which("docker-compose") is { } compose ? (compose, "") : Which("docker") is { } docker && await RunsAsync(docker, "compose version") ? (docker, "compose ") : (null, "");
        if (tool.Item1 is null)
        {
            // No compose tool on this machine: check the file's shape by reading it, so the test still asserts something.
            var text = await File.ReadAllTextAsync(Path.Combine(repo, "docker", "compose.yaml"));
            foreach (var service in new[] { "postgres:", "qdrant:", "web:", "ingest:", "inference:", "proxy:" }) Assert.Contains($"\n  {service}", text);
            return;
        }
        var (code, output) = await RunAsync(tool.Item1, $"{tool.Item2}-f docker/compose.yaml config --services", repo);
        Assert.True(code == 0, output);
        var services = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var expected in new[] { "postgres", "qdrant", "web", "ingest", "inference", "proxy" }) Assert.Contains(expected, services);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PrivateRag.sln"))) return dir.FullName;
        throw new InvalidOperationException("PrivateRag.sln not found above the test folder.");
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);

    private static async Task<bool> RunsAsync(string file, string args) => (await RunAsync(file, args, Directory.GetCurrentDirectory())).Code == 0;

    private static async Task<(int Code, string Output)> RunAsync(string file, string args, string cwd)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
