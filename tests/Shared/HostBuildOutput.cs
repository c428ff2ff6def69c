using System.Reflection;

namespace PrivateRag.Tests;

/// <summary>
/// Where a host project's build output is, for tests that start the host as a child process (the ingestion worker,
/// the web app): hosts are never referenced as libraries, only built first (ReferenceOutputAssembly=false).
/// </summary>
public static class HostBuildOutput
{
    /// <summary><c>src/NAME/bin/CONFIG/net10.0/NAME.dll</c>, in the configuration this test assembly was built in.</summary>
    public static string AssemblyPath(string project) => AssemblyPath(project, project, Assembly.GetCallingAssembly());

    /// <summary><c>src/PROJECT/bin/CONFIG/net10.0/ASSEMBLY.dll</c>, for a host whose assembly is named otherwise (the CLI: <c>privaterag</c>).</summary>
    public static string AssemblyPath(string project, string assemblyName) => AssemblyPath(project, assemblyName, Assembly.GetCallingAssembly());

    private static string AssemblyPath(string project, string assemblyName, Assembly caller)
    {
        var configuration = caller.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        return Path.Combine(RepoRoot(), "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrivateRag.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("PrivateRag.sln not found above " + AppContext.BaseDirectory);
    }
}
