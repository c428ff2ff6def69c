using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateRag.Tests;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// Every host as <c>scripts/publish.sh</c> publishes it (the command the Dockerfiles run), run from its publish
/// folder in Production: the web app serves its static assets, signs in in a real browser and answers with citations
/// from a PDF parsed by the extraction child; the worker and inference server start; the CLI runs.
/// <c>scripts/test.sh</c> publishes first and sets <see cref="PublishedHosts.Variable"/>; without it these tests skip.
/// </summary>
public sealed class PublishedAppTests(PublishedWebApp app, Browser browser) : IClassFixture<PublishedWebApp>, IClassFixture<Browser>
{
    /// <summary>
    /// Smallest believable sizes of the assets the login page links. The build output run outside Development answers
    /// these paths with 200 and an empty body, so the status alone proves nothing; the real files are far larger
    /// (MudBlazor.min.css ~600 KB, app.css ~25 KB, blazor.web.js ~200 KB).
    /// </summary>
    private const int MinMudBlazorCssBytes = 100_000, MinAppCssBytes = 5_000, MinBlazorScriptBytes = 50_000;

    /// <summary>How long a published host may take to answer /health on a loaded two-core machine.</summary>
    private static readonly TimeSpan HostStartTimeout = TimeSpan.FromSeconds(120);

    private void RequireApp() => Assert.True(app.StartError is null, app.StartError);

    [PublishedFact]
    public void Every_host_has_its_publish_folder_with_what_it_needs_beside_it()
    {
        foreach (var (project, assembly) in PublishedHosts.All)
        {
            Assert.True(File.Exists(PublishedHosts.Assembly(project, assembly)), $"{project}: {assembly}.dll is not in {PublishedHosts.Folder(project)}");
            Assert.True(File.Exists(Path.Combine(PublishedHosts.Folder(project), assembly + ".runtimeconfig.json")), $"{project}: no runtimeconfig.json");
        }

        // Every host that ingests runs untrusted parsers in the extraction child, which needs its dll and runtimeconfig
        // beside the host's own (ChildProcessExtractor falls back to parsing in-process, without isolation, otherwise).
        foreach (var project in new[] { "PrivateRag.Web", "PrivateRag.Ingest.Worker", "PrivateRag.Cli" })
        {
            Assert.True(File.Exists(Path.Combine(PublishedHosts.Folder(project), "PrivateRag.Ingest.Extractor.dll")), $"{project}: no extraction child");
            Assert.True(File.Exists(Path.Combine(PublishedHosts.Folder(project), "PrivateRag.Ingest.Extractor.runtimeconfig.json")), $"{project}: no extraction child runtimeconfig");
        }

        var web = PublishedHosts.Folder("PrivateRag.Web");
        Assert.True(File.Exists(Path.Combine(web, "wwwroot", "_content", "MudBlazor", "MudBlazor.min.css")), "no MudBlazor stylesheet in wwwroot");
        Assert.True(File.Exists(Path.Combine(web, "wwwroot", "_framework", "blazor.web.js")), "no blazor.web.js in wwwroot");
        Assert.True(File.Exists(Path.Combine(web, "PrivateRag.Web.staticwebassets.endpoints.json")), "no static asset endpoints manifest");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(PublishedHosts.Folder("PrivateRag.Inference.Server"), "runtimes"), "libllama.so", SearchOption.AllDirectories));
    }

    [PublishedFact]
    public async Task In_production_the_app_is_ready_and_its_login_page_comes_with_its_stylesheets_and_script()
    {
        RequireApp();
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/ready")).StatusCode);
        using var login = await anonymous.GetAsync("login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"login-submit\"", html, StringComparison.Ordinal);

        var stylesheets = Regex.Matches(html, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var scripts = Regex.Matches(html, "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var mudBlazor = Assert.Single(stylesheets, s => s.StartsWith("_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal));
        var appCss = Assert.Single(stylesheets, s => Regex.IsMatch(s, @"^app(\.[a-z0-9]+)?\.css$"));
        var blazor = Assert.Single(scripts, s => s.StartsWith("_framework/blazor.web", StringComparison.Ordinal));

        foreach (var (path, mediaType, minBytes) in new[] { (mudBlazor, "text/css", MinMudBlazorCssBytes), (appCss, "text/css", MinAppCssBytes), (blazor, "text/javascript", MinBlazorScriptBytes) })
        {
            using var asset = await anonymous.GetAsync(path);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{path}: {(int)asset.StatusCode}");
            Assert.Equal(mediaType, asset.Content.Headers.ContentType?.MediaType);
            var bytes = (await asset.Content.ReadAsByteArrayAsync()).Length;
            Assert.True(bytes >= minBytes, $"{path} has {bytes} bytes, expected at least {minBytes}");
        }
    }

    [PublishedBrowserFact]
    public async Task An_administrator_made_with_the_published_cli_signs_in_in_a_browser_and_the_page_becomes_interactive()
    {
        RequireApp();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var failed = new List<string>();
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && r.Url.StartsWith(app.BaseUrl, StringComparison.Ordinal)) lock (failed) failed.Add($"{r.Status} {r.Url}");
        };
        page.RequestFailed += (_, r) =>
        {
            if (r.Url.StartsWith(app.BaseUrl, StringComparison.Ordinal)) lock (failed) failed.Add($"failed {r.Url}");
        };

        await page.GotoAsync(app.BaseUrl + "/login");
        // The stylesheets are applied, not merely linked: MudBlazor's has its thousands of rules, app.css its own.
        var rules = await page.EvaluateAsync<int[]>(
            "() => ['MudBlazor', '/app.'].map(n => [...document.styleSheets].filter(s => (s.href || '').includes(n)).reduce((a, s) => a + s.cssRules.length, 0))");
        Assert.True(rules[0] > 1_000, $"MudBlazor.min.css brought {rules[0]} rules");
        Assert.True(rules[1] > 50, $"app.css brought {rules[1]} rules");
        await Pages.ShotAsync(page, "published-01-login");

        await Pages.SignInAsync(page, app.BaseUrl); // waits for html[data-interactive=true]
        await Assertions.Expect(page.GetByTestId("chat-input")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "published-02-chat");

        lock (failed) Assert.True(failed.Count == 0, "requests to the published app failed:\n" + string.Join("\n", failed));
    }

    [PublishedFact]
    public async Task A_pdf_uploaded_through_the_api_is_parsed_by_the_extraction_child_indexed_and_cited_in_the_answer()
    {
        RequireApp();
        const string name = "smoke-handbook.pdf";
        var pdf = MinimalPdf.WithText(
            "Facilities handbook",
            "The door of the Periwinkle meeting room is painted bright yellow.",
            "Visitors sign in at the front desk and wear a badge at all times.");

        var (collection, document) = await app.SeedAsync("Published smoke", name, pdf);

        var status = await app.Api.GetFromJsonAsync<JsonElement>($"/api/documents/{document}");
        Assert.Equal(1, status.GetProperty("pages").GetInt32());
        Assert.True(status.GetProperty("chunks").GetInt32() >= 1);
        // Ingestion:Isolation is Process by default: the published folder's PrivateRag.Ingest.Extractor parsed it.
        Assert.Contains(app.LogLines, l => l.Contains($"Extraction child for {name} exited with 0", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new { message = "What colour is the door of the Periwinkle meeting room?", collectionIds = new[] { collection } }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("yellow", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citation = answer.GetProperty("citations").EnumerateArray().First();
        Assert.Equal(document, citation.GetProperty("documentId").GetGuid());
        Assert.Equal(name, citation.GetProperty("documentName").GetString());
        Assert.Equal(1, citation.GetProperty("page").GetInt32());
    }

    [PublishedFact]
    public async Task The_published_cli_runs_and_prints_its_help()
    {
        var (code, output) = await PublishedHosts.RunAsync("PrivateRag.Cli", "privaterag", ["--help"], new Dictionary<string, string>(), TimeSpan.FromSeconds(120));

        Assert.True(code == 0, output);
        Assert.Contains("users", output, StringComparison.Ordinal);
        Assert.Contains("ingest", output, StringComparison.Ordinal);
    }

    [PublishedFact]
    public async Task The_published_ingestion_worker_starts_in_production_and_answers_health()
    {
        var data = Directory.CreateTempSubdirectory("privaterag-published-worker-").FullName;
        try
        {
            await using var worker = await PublishedHost.StartAsync("PrivateRag.Ingest.Worker", new Dictionary<string, string>
            {
                ["PrivateRag__DataPath"] = data,
            });

            Assert.Equal(HttpStatusCode.OK, await worker.WaitForStatusAsync("/health/live", HttpStatusCode.OK, HostStartTimeout));
            Assert.Equal(HttpStatusCode.OK, await worker.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, HostStartTimeout));
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [PublishedFact]
    public async Task The_published_inference_server_starts_in_production_and_answers_health()
    {
        const string key = "published-inference-key-0123456789";
        var settings = new Dictionary<string, string> { ["Inference__ApiKeys__0"] = key };
        if (SharedData.Available)
        {
            // With the tiny model: llama.cpp's native libraries load from the publish folder's runtimes/.
            settings["Models__Chat__Path"] = SharedData.TinyModel;
            settings["Models__Chat__ContextSize"] = "256";
            settings["Models__Embedding__Path"] = SharedData.TinyModel;
        }

        await using var server = await PublishedHost.StartAsync("PrivateRag.Inference.Server", settings);

        Assert.Equal(HttpStatusCode.OK, await server.WaitForStatusAsync("/health/live", HttpStatusCode.OK, HostStartTimeout));
        if (!SharedData.Available) return; // no model to load without ../shared; the process is up
        Assert.Equal(HttpStatusCode.OK, await server.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, HostStartTimeout));
        using var models = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        models.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var listed = await server.Http.SendAsync(models);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("llama-2-tiny-random.gguf", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The images and CI publish alike: the Dockerfiles' publish line is the one in scripts/publish.sh.</summary>
    [Fact]
    public void The_dockerfiles_publish_with_the_command_ci_runs()
    {
        var ci = PublishCommand.FromScript(Path.Combine(Artifacts.RepoRoot, "scripts", "publish.sh"));
        var cpu = PublishCommand.FromDockerfile(Path.Combine(Artifacts.RepoRoot, "docker", "Dockerfile"));
        var gpu = PublishCommand.FromDockerfile(Path.Combine(Artifacts.RepoRoot, "docker", "Dockerfile.cuda"));

        Assert.Equal(["dotnet", "publish", "src/${PROJECT}/${PROJECT}.csproj", "-c", "Release", "-o", "<out>", "/p:UseAppHost=false"], ci);
        Assert.Equal(ci, cpu);
        // The GPU image publishes the inference server with the CUDA backend: that switch is its only difference.
        Assert.Contains("-p:LlamaBackend=Cuda12", gpu);
        Assert.Equal(
            ci.Select(t => t.Replace("${PROJECT}", "PrivateRag.Inference.Server", StringComparison.Ordinal)),
            gpu.Where(t => t != "-p:LlamaBackend=Cuda12"));
    }
}

/// <summary>The one <c>dotnet publish</c> line of a script or Dockerfile, as tokens, with its output folder as <c>&lt;out&gt;</c>.</summary>
internal static class PublishCommand
{
    public static IReadOnlyList<string> FromScript(string path) => Parse(path, new Regex(@"^\s*(dotnet publish .*)$"));

    public static IReadOnlyList<string> FromDockerfile(string path) => Parse(path, new Regex(@"^\s*RUN (dotnet publish .*)$"));

    private static List<string> Parse(string path, Regex line)
    {
        var matches = File.ReadAllLines(path).Select(l => line.Match(l)).Where(m => m.Success).ToList();
        Assert.True(matches.Count == 1, $"{path}: expected one dotnet publish line, found {matches.Count}");
        var tokens = matches[0].Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('"')).ToList();
        var output = tokens.IndexOf("-o");
        Assert.True(output > 0 && output + 1 < tokens.Count, $"{path}: the publish line names no output folder (-o)");
        tokens[output + 1] = "<out>";
        return tokens;
    }
}

/// <summary>Where scripts/publish.sh put the hosts: one folder per host under <see cref="Variable"/>.</summary>
public static class PublishedHosts
{
    public const string Variable = "PRIVATERAG_PUBLISHED";

    public const string MissingReason =
        "PRIVATERAG_PUBLISHED is not set: these tests run the published hosts. scripts/test.sh publishes them with " +
        "scripts/publish.sh and sets it; by hand: bash scripts/publish.sh artifacts/publish, then PRIVATERAG_PUBLISHED=$PWD/artifacts/publish.";

    /// <summary>Each host's project and its entry assembly's name.</summary>
    public static readonly (string Project, string Assembly)[] All =
    [
        ("PrivateRag.Web", "PrivateRag.Web"), ("PrivateRag.Ingest.Worker", "PrivateRag.Ingest.Worker"),
        ("PrivateRag.Inference.Server", "PrivateRag.Inference.Server"), ("PrivateRag.Cli", "privaterag"),
    ];

    public static string? Root => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;

    public static bool Available => Root is not null;

    public static string Folder(string project) => Path.Combine(Root ?? throw new InvalidOperationException(MissingReason), project);

    public static string Assembly(string project, string? assembly = null) => Path.Combine(Folder(project), (assembly ?? project) + ".dll");

    /// <summary>Runs a published console host to its end (killed after <paramref name="timeout"/>); its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(
        string project, string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Folder(project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly(project, assembly));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{project} did not finish within {timeout}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A published web host (worker, inference server) started from its folder in Production on a free port.</summary>
internal sealed class PublishedHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PublishedHost(Process process, string baseUrl)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public static Task<PublishedHost> StartAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{AppUnderTest.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = PublishedHosts.Folder(project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PublishedHosts.Assembly(project));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = url;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var host = new PublishedHost(process, url);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return Task.FromResult(host);
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="expected"/> or the time is up; the last status.</summary>
    public async Task<HttpStatusCode> WaitForStatusAsync(string path, HttpStatusCode expected, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        var last = (HttpStatusCode)0;
        while (DateTime.UtcNow < until)
        {
            Assert.False(_process.HasExited, $"the host exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
                last = response.StatusCode;
                if (last == expected) return last;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{path} answered {(int)last} instead of {(int)expected} within {timeout}:\n{Output}");
        return last;
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is not null) lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>
/// The published web app (<c>PRIVATERAG_PUBLISHED/PrivateRag.Web</c>) in Production, its publish folder the content
/// root, with its own data folder; the administrator is made with the published CLI on that folder.
/// </summary>
public sealed class PublishedWebApp : AppUnderTest
{
    protected override bool CanStart => PublishedHosts.Available;

    protected override string AppAssembly => PublishedHosts.Assembly("PrivateRag.Web");

    protected override string EnvironmentName => "Production";

    protected override string MissingAppHint => "publish it first: bash scripts/publish.sh (scripts/test.sh does).";

    protected override string LogName => "app-published.log";

    protected override IReadOnlyDictionary<string, string> ExtraEnvironment => new Dictionary<string, string>
    {
        // The extraction child's exit is logged at Debug: the PDF test reads it to know the child did the parsing.
        ["Logging__LogLevel__PrivateRag.Ingest.Extraction"] = "Debug",
    };

    protected override async Task<string?> CreateAdminAsync()
    {
        var (code, output) = await PublishedHosts.RunAsync("PrivateRag.Cli", "privaterag",
            ["--data", DataPath, "users", "add", AdminName, "--role", "admin", "--password", AdminPassword],
            new Dictionary<string, string>(), TimeSpan.FromSeconds(120));
        return code == 0 ? null : $"The published CLI could not add the administrator (exit {code}): {output}";
    }
}

/// <summary>A test of the published hosts: skipped, with the reason, when PRIVATERAG_PUBLISHED is unset.</summary>
public sealed class PublishedFactAttribute : FactAttribute
{
    public PublishedFactAttribute()
    {
        if (!PublishedHosts.Available) Skip = PublishedHosts.MissingReason;
    }
}

/// <summary>A browser test of the published app: skipped, with the reason, without PRIVATERAG_PUBLISHED or Chromium.</summary>
public sealed class PublishedBrowserFactAttribute : FactAttribute
{
    public PublishedBrowserFactAttribute()
    {
        if (!PublishedHosts.Available) Skip = PublishedHosts.MissingReason;
        else if (!Browser.Available) Skip = Browser.MissingReason;
    }
}
