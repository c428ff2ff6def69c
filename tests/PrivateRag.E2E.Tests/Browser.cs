using Microsoft.Playwright;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (Playwright's own browser download is not used). Each launch gets a fresh
/// temporary profile; each test gets its own context (cookies, storage).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string MissingReason =
        "Chromium is not installed at /usr/bin/chromium: run scripts/e2e-setup.sh (apt-get install chromium) to run the browser tests.";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;

    public static bool Available => File.Exists(ChromiumPath);

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>
    /// How long <c>Expect(...)</c> keeps retrying (Playwright's default is 5 s). A Blazor Server round trip on a loaded
    /// two-core machine (the app, Chromium and other test assemblies at once) can take longer; passing assertions
    /// still return as soon as they hold.
    /// </summary>
    public const float ExpectTimeoutMs = 30_000;

    public async Task InitializeAsync()
    {
        if (!Available) return;
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
    }

    public async Task<IBrowserContext> NewContextAsync(int width = 1366, int height = 860, string locale = "en-GB") =>
        await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            ColorScheme = ColorScheme.Light,
        });

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>A browser test: skipped, with the reason, when /usr/bin/chromium is absent.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Browser.Available) Skip = Browser.MissingReason;
    }
}
