using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// The real app, started as a child process (<c>dotnet PrivateRag.Web.dll</c>) on a free port with a temporary data
/// folder and a bootstrap admin key, plus a local administrator for the browser sign-in. Its output goes to
/// <c>TestResults/app.log</c>. By default it is the build output in Development; <see cref="PublishedWebApp"/> starts
/// the publish folder in Production instead.
/// </summary>
public class AppUnderTest : IAsyncLifetime
{
    public const string AdminKey = "e2e-bootstrap-admin-key-0123456789";
    public const string AdminName = "admin";
    public const string AdminPassword = "e2e correct horse battery";

    /// <summary>
    /// How long a document may take to be indexed, and the app to start: generous, because the app, Chromium and
    /// the other test assemblies share two cores, and each parsed file starts a child process.
    /// </summary>
    public static readonly TimeSpan IndexingTimeout = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary><see cref="IndexingTimeout"/> for Playwright options (milliseconds).</summary>
    public static float IndexingTimeoutMs => (float)IndexingTimeout.TotalMilliseconds;

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _logName;
    private readonly List<string> _lines = [];
    private Process? _process;
    private StreamWriter? _log;

    public AppUnderTest()
        : this(new Dictionary<string, string>(), "app.log")
    {
    }

    /// <summary>An app of its own with extra configuration (environment variables, e.g. <c>AzureAd__TenantId</c>).</summary>
    internal AppUnderTest(IReadOnlyDictionary<string, string> environment, string logName)
    {
        _environment = environment;
        _logName = logName;
    }

    public string BaseUrl { get; private set; } = "";

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "privaterag-e2e", Guid.NewGuid().ToString("N"));

    /// <summary>Why the app could not start; tests report it instead of hanging.</summary>
    public string? StartError { get; private set; }

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Settings (as environment variables) a variant of the app adds, e.g. a chat model.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraEnvironment => _environment;

    /// <summary>The app's log file name in TestResults; variants log to their own file.</summary>
    protected virtual string LogName => _logName;

    /// <summary>Whether this app can run here; its tests skip otherwise (see their attributes).</summary>
    protected virtual bool CanStart => Browser.Available;

    /// <summary>The app's entry assembly; its folder is the working directory and so the content root.</summary>
    protected virtual string AppAssembly => Artifacts.WebAssemblyPath();

    /// <summary>
    /// <c>ASPNETCORE_ENVIRONMENT</c>. The build output needs Development: only there are static web assets
    /// (<c>_content/...</c>, <c>_framework/...</c>) served from the build's manifest; outside it they exist only in a
    /// publish folder's <c>wwwroot</c>.
    /// </summary>
    protected virtual string EnvironmentName => "Development";

    /// <summary>What to do when <see cref="AppAssembly"/> is missing.</summary>
    protected virtual string MissingAppHint => "build the solution first (dotnet build PrivateRag.sln).";

    /// <summary>The lines the app has written so far (stdout and stderr).</summary>
    public IReadOnlyList<string> LogLines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    public async Task InitializeAsync()
    {
        if (!CanStart) return; // the tests skip; no need to start anything
        var dll = AppAssembly;
        if (!File.Exists(dll))
        {
            StartError = $"The app is missing: {dll} does not exist; {MissingAppHint}";
            return;
        }

        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Directory.CreateDirectory(DataPath);
        var start = new ProcessStartInfo("dotnet")
        {
            // The app's folder is the content root: appsettings.json and the static web assets (manifest or wwwroot) are there.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = EnvironmentName;
        start.Environment["PrivateRag__DataPath"] = DataPath;
        start.Environment["PRIVATERAG_BOOTSTRAP_ADMIN_KEY"] = AdminKey;
        start.Environment["Ingestion__PollInterval"] = "00:00:00.250";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Models__DownloadDirectory"] = Path.Combine(DataPath, "models");
        foreach (var (key, value) in ExtraEnvironment) start.Environment[key] = value;

        Directory.CreateDirectory(Artifacts.ResultsDirectory);
        _log = new StreamWriter(Path.Combine(Artifacts.ResultsDirectory, LogName), append: false, Encoding.UTF8) { AutoFlush = true };
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Api = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        if (!await WaitUntilReadyAsync(StartTimeout))
        {
            StartError = $"The app did not become ready at {BaseUrl}/health/ready; see {Path.Combine(Artifacts.ResultsDirectory, LogName)}.";
            return;
        }

        StartError = await CreateAdminAsync();
    }

    /// <summary>Creates the local administrator the browser tests sign in as; returns why it failed, or null.</summary>
    protected virtual async Task<string?> CreateAdminAsync()
    {
        using var user = await Api.PostAsJsonAsync("/api/users",
            new { userName = AdminName, role = "admin", groups = Array.Empty<string>(), password = AdminPassword });
        return user.IsSuccessStatusCode ? null : $"Creating the admin account failed: {(int)user.StatusCode} {await user.Content.ReadAsStringAsync()}";
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        lock (this) _log?.WriteLine(line);
    }

    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process is { HasExited: true }) return false;
            try
            {
                using var response = await Api.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        return false;
    }

    /// <summary>Creates a collection readable by everyone and uploads one file through the API; returns the collection id.</summary>
    public Task<(Guid CollectionId, Guid DocumentId)> SeedAsync(string collectionName, string fileName, byte[] content) =>
        SeedAsync(collectionName, fileName, content, new { everyone = true });

    /// <summary>Creates a collection with the given access (the API's <c>access</c> object) and uploads one file, indexed.</summary>
    public async Task<(Guid CollectionId, Guid DocumentId)> SeedAsync(string collectionName, string fileName, byte[] content, object access)
    {
        using var created = await Api.PostAsJsonAsync("/api/collections", new { name = collectionName, access });
        created.EnsureSuccessStatusCode();
        var collection = await created.Content.ReadFromJsonAsync<IdDto>() ?? throw new InvalidOperationException("no collection id");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var uploaded = await Api.PostAsync($"/api/collections/{collection.Id}/documents", form);
        uploaded.EnsureSuccessStatusCode();
        var docs = await uploaded.Content.ReadFromJsonAsync<List<IdDto>>() ?? [];
        var documentId = docs.Single().Id;
        var until = DateTime.UtcNow + IndexingTimeout;
        while (DateTime.UtcNow < until)
        {
            var doc = await Api.GetFromJsonAsync<StatusDto>($"/api/documents/{documentId}");
            if (doc?.Status == "indexed") return (collection.Id, documentId);
            if (doc?.Status == "failed") throw new InvalidOperationException($"{fileName} failed to index: {doc.Error}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"{fileName} was not indexed within {IndexingTimeout}.");
    }

    private sealed record IdDto(Guid Id);

    private sealed record StatusDto(Guid Id, string Status, string? Error);

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        lock (this)
        {
            _log?.Dispose();
            _log = null;
        }
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Where the built app is and where screenshots and logs go.</summary>
public static class Artifacts
{
    private static readonly Lazy<string> Repo = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrivateRag.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("PrivateRag.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Repo.Value;

    /// <summary>The test project's TestResults folder (E2E_RESULTS_DIR overrides it), kept by CI as artefacts.</summary>
    public static string ResultsDirectory =>
        Environment.GetEnvironmentVariable("E2E_RESULTS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepoRoot, "tests", "PrivateRag.E2E.Tests", "TestResults");

    public static string ScreenshotDirectory => Path.Combine(ResultsDirectory, "screenshots");

    /// <summary>PrivateRag.Web.dll in the same configuration (Debug/Release) as this test assembly.</summary>
    public static string WebAssemblyPath()
    {
        var configuration = typeof(Artifacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "WebConfiguration")?.Value ?? "Debug";
        return Path.Combine(RepoRoot, "src", "PrivateRag.Web", "bin", configuration, "net10.0", "PrivateRag.Web.dll");
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppUnderTest>, ICollectionFixture<Browser>
{
    public const string Name = "app in a browser";
}
