using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace PrivateRag.Tests;

/// <summary>Skipped, with the reason, unless node and the local OpenID Connect provider's package are installed.</summary>
public sealed class LocalOidcFactAttribute : FactAttribute
{
    public LocalOidcFactAttribute()
    {
        if (LocalOidcProvider.MissingReason() is { } reason) Skip = reason;
    }
}

/// <summary>A user the local provider can sign in: the claims Entra would put in the ID token.</summary>
public sealed record LocalOidcUser(string Oid, string Name, string UserName, string[] Roles, string[] Groups);

/// <summary>
/// oauth2-mock-server in a node child process (<c>tests/PrivateRag.Web.Tests/Security/oidc/server.mjs</c>): a real
/// OpenID Connect provider on a local port. One launcher for the in-process sign-in test and the browser test.
/// </summary>
public sealed class LocalOidcProvider : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _workFolder;

    private LocalOidcProvider(Process process, string url, string? workFolder)
    {
        _process = process;
        Url = url;
        _workFolder = workFolder;
    }

    /// <summary>The issuer: <c>http://localhost:PORT</c>, or <c>https://127.0.0.1:PORT/TENANT/v2.0</c> when Entra-shaped.</summary>
    public string Url { get; }

    /// <summary>Scheme, host and port, the part an Entra deployment configures as <c>AzureAd:Instance</c>.</summary>
    public string Origin => new Uri(Url).GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// For an Entra-shaped provider: the system's trusted roots plus the provider's self-signed certificate. A .NET
    /// process started with <c>SSL_CERT_FILE</c> set to it trusts the provider like Entra's public certificate.
    /// </summary>
    public string? TrustedRootsFile { get; private init; }

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "PrivateRag.Web.Tests", "Security", "oidc");
                if (Directory.Exists(candidate)) return candidate;
            }
            return "";
        }
    }

    public static string? MissingReason()
    {
        if (Folder.Length == 0) return "The local OIDC provider folder (tests/PrivateRag.Web.Tests/Security/oidc) was not found.";
        if (!OnPath("node")) return "node is not on PATH: install Node.js to run the OpenID Connect sign-in tests against the local provider.";
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "oauth2-mock-server")))
            return $"Run 'npm install' in {Folder} (and have node on PATH) for the OpenID Connect sign-in test.";
        return null;
    }

    /// <summary>One user, plain HTTP, endpoints at the root: <c>server.mjs tenant oid role group</c>.</summary>
    public static Task<LocalOidcProvider> StartAsync(params string[] args) => LaunchAsync(args, workFolder: null, trustedRoots: null);

    /// <summary>
    /// Entra-shaped: HTTPS with a certificate made here, issuer and endpoints under <c>/TENANT/v2.0</c>, several users
    /// (chosen by the provider's own session, <see cref="SessionUrl"/>), form_post answers and end-session.
    /// </summary>
    public static async Task<LocalOidcProvider> StartEntraLikeAsync(string tenantId, IReadOnlyDictionary<string, LocalOidcUser> users)
    {
        var work = Path.Combine(Path.GetTempPath(), "privaterag-oidc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var (keyPem, certPem) = SelfSignedLoopbackCertificate();
        File.WriteAllText(Path.Combine(work, "key.pem"), keyPem);
        File.WriteAllText(Path.Combine(work, "cert.pem"), certPem);
        var roots = Path.Combine(work, "trusted-roots.pem");
        const string systemRoots = "/etc/ssl/certs/ca-certificates.crt";
        File.WriteAllText(roots, (File.Exists(systemRoots) ? File.ReadAllText(systemRoots) + "\n" : "") + certPem);
        var config = new
        {
            tenantId,
            key = Path.Combine(work, "key.pem"),
            cert = Path.Combine(work, "cert.pem"),
            users = users.ToDictionary(u => u.Key, u => new
            {
                oid = u.Value.Oid, name = u.Value.Name, preferred_username = u.Value.UserName, roles = u.Value.Roles, groups = u.Value.Groups,
            }),
        };
        var configPath = Path.Combine(work, "provider.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config));
        return await LaunchAsync(["--config", configPath], work, roots);
    }

    /// <summary>Opening this in a browser signs it in at the provider as <paramref name="user"/> (Entra's login page, skipped).</summary>
    public string SessionUrl(string user) => $"{Url}/session?user={Uri.EscapeDataString(user)}";

    private static async Task<LocalOidcProvider> LaunchAsync(IEnumerable<string> args, string? workFolder, string? trustedRoots)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
        start.ArgumentList.Add("server.mjs");
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
            throw new InvalidOperationException($"The OIDC provider did not start: {line} {await process.StandardError.ReadToEndAsync(timeout.Token)}");
        return new LocalOidcProvider(process, line["listening ".Length..].Trim(), workFolder) { TrustedRootsFile = trustedRoots };
    }

    /// <summary>A certificate for 127.0.0.1 and localhost, valid for a day, that is its own root.</summary>
    private static (string KeyPem, string CertPem) SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=PrivateRag local OpenID Connect provider", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return (key.ExportPkcs8PrivateKeyPem(), certificate.ExportCertificatePem());
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, program)));

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        await Task.CompletedTask;
        _process.Dispose();
        if (_workFolder is not null)
        {
            try { Directory.Delete(_workFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
