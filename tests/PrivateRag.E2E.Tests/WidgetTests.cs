using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// Two intranet pages on other localhost ports: one whose origin is in <c>Widget:AllowedOrigins</c>, one whose is
/// not. Each serves a page with the widget's script tag, pointed at the app under test.
/// </summary>
public sealed class WidgetHosts : IAsyncLifetime
{
    /// <summary>Chosen when the test assembly loads, before the app starts: the app is told to allow this origin.</summary>
    public static readonly int AllowedPort = FreePort();

    public const string Title = "HR assistant";

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _serving;

    public int OtherPort { get; } = FreePort();

    public string AllowedOrigin => $"http://127.0.0.1:{AllowedPort}";

    public string OtherOrigin => $"http://127.0.0.1:{OtherPort}";

    /// <summary>The app's address, set by the tests (the app fixture knows it).</summary>
    public string AppUrl { get; set; } = "";

    public Task InitializeAsync()
    {
        _listener.Prefixes.Add(AllowedOrigin + "/");
        _listener.Prefixes.Add(OtherOrigin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>GET /?collections=NAME</c>: a page with hostile-ish CSS (it must not reach the widget) and the script tag.
    /// </summary>
    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var collections = WebUtility.HtmlEncode(context.Request.QueryString["collections"] ?? "");
            var html = $$"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Intranet</title>
                <style>button { all: unset; display: none !important; } iframe { display: none; } * { font-size: 40px; }</style></head>
                <body><h1>HR portal</h1><p>Policies, forms and people.</p>
                <script src="{{AppUrl}}/widget.js" data-collections="{{collections}}" data-title="{{Title}}" data-accent="#0a7d48" async></script>
                </body></html>
                """;
            var bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        if (_serving is not null) await _serving;
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

#pragma warning disable CA2255 // A test assembly: the app fixture inherits this process's environment when it starts.
    /// <summary>
    /// The shared app fixture starts the app as a child process with this process's environment, so setting the
    /// variable here (when the assembly loads, before any fixture) starts it with
    /// <c>Widget__AllowedOrigins__0=http://127.0.0.1:ALLOWEDPORT</c>. It only widens <c>frame-ancestors</c> of
    /// <c>/embed/*</c>; the other browser tests do not notice.
    /// </summary>
    [ModuleInitializer]
    internal static void AllowTheHostPage() =>
        Environment.SetEnvironmentVariable("Widget__AllowedOrigins__0", $"http://127.0.0.1:{AllowedPort}");
#pragma warning restore CA2255
}

[Collection(AppCollection.Name)]
public sealed class WidgetTests(AppUnderTest app, Browser browser, WidgetHosts hosts) : IClassFixture<WidgetHosts>
{
    private const string Question = "Which meal allowance applies to a full day away?";

    private void RequireApp()
    {
        Assert.True(app.StartError is null, app.StartError);
        hosts.AppUrl = app.BaseUrl;
    }

    /// <summary>A collection of its own (readable by everyone) with the handbook, indexed.</summary>
    private async Task<string> SeedAsync()
    {
        var name = "Widget " + Guid.NewGuid().ToString("N")[..8];
        await app.SeedAsync(name, Pages.HandbookName, Pages.Handbook);
        return name;
    }

    private static ILocator Panel(IPage page) => page.Locator("[data-privaterag-widget] section[role=dialog]");

    private static IFrameLocator Frame(IPage page) => page.FrameLocator($"[data-privaterag-widget] iframe[title='{WidgetHosts.Title}']");

    private static Task WaitFrameInteractiveAsync(IPage page) =>
        Frame(page).Locator("html[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    [BrowserFact]
    public async Task Widget_on_an_allowed_page_opens_a_signed_in_chat_that_streams_a_cited_answer_and_continues_on_the_next_page()
    {
        RequireApp();
        var collection = await SeedAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        var hostUrl = $"{hosts.AllowedOrigin}/?collections={Uri.EscapeDataString(collection)}";
        await page.GotoAsync(hostUrl);
        var launcher = page.GetByTestId("widget-launcher");
        // The host page hides every button and iframe of its own; the widget's live in a shadow root and stay visible.
        await Expect(launcher).ToBeVisibleAsync();
        await Expect(launcher).ToHaveAttributeAsync("aria-label", $"Open chat: {WidgetHosts.Title}");
        await Expect(launcher).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(Panel(page)).ToBeHiddenAsync();

        // Keyboard: Tab reaches the launcher (the page's only focusable element), Enter opens the panel.
        await page.Keyboard.PressAsync("Tab");
        await Expect(launcher).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Panel(page)).ToBeVisibleAsync();
        await Expect(launcher).ToHaveAttributeAsync("aria-expanded", "true");
        await WaitFrameInteractiveAsync(page);
        var frame = Frame(page);
        await Expect(frame.GetByTestId("embed-scope")).ToContainTextAsync(collection);

        // Streamed: the answer is marked as streaming until its last words, then carries its citations.
        var inner = page.Frames.Single(f => f.Url.StartsWith(app.BaseUrl + "/embed/chat", StringComparison.Ordinal));
        await inner.EvaluateAsync("""
            () => {
              window.__streamed = 0;
              new MutationObserver(() => {
                if (document.querySelector("[data-testid=chat-message][data-streaming=true]")) window.__streamed++;
              }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            }
            """);
        await frame.GetByTestId("chat-input").FillAsync(Question);
        await frame.GetByTestId("chat-send").ClickAsync();
        var answer = frame.GetByTestId("chat-message").Last;
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 60_000 });
        Assert.True(await inner.EvaluateAsync<int>("() => window.__streamed") > 0, "the answer was never shown while streaming");
        await Expect(answer).ToContainTextAsync("45 euros");
        var citations = answer.GetByTestId("citation");
        Assert.True(await citations.CountAsync() >= 1, "the answer has no citation chip");
        await Expect(citations.First).ToContainTextAsync(Pages.HandbookName);
        var href = await citations.First.GetAttributeAsync("href");
        Assert.StartsWith("/source/", href);
        await Expect(citations.First).ToHaveAttributeAsync("target", "_blank");
        await Pages.ShotAsync(page, "widget-01-answer");

        // Accessible as embedded: the host page with the open panel and the frame inside it.
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} — " + string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))).ToList();
        Assert.True(serious.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", serious));

        // A chip opens the source in the app, in a new tab.
        var sourceTab = await context.RunAndWaitForPageAsync(() => citations.First.ClickAsync());
        await sourceTab.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/source/[0-9a-f-]{36}"));
        await Expect(sourceTab.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Expect(sourceTab.GetByTestId("source-document")).ToHaveTextAsync(Pages.HandbookName);
        await sourceTab.CloseAsync();

        // Escape inside the frame closes the panel and gives the focus back to the launcher.
        await frame.GetByTestId("chat-input").FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(Panel(page)).ToBeHiddenAsync();
        await Expect(launcher).ToBeFocusedAsync();

        // The next page of the intranet: the same conversation is there.
        await page.GotoAsync(hostUrl + "&page=2");
        await page.GetByTestId("widget-launcher").ClickAsync();
        await WaitFrameInteractiveAsync(page);
        await Expect(Frame(page).GetByTestId("chat-question").First).ToContainTextAsync(Question);
        await Expect(Frame(page).GetByTestId("chat-message").First.GetByTestId("citation").First).ToBeVisibleAsync();
        await Expect(Frame(page).GetByTestId("embed-open-in-app")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/c/[0-9a-f-]{36}$"));
    }

    [BrowserFact]
    public async Task Widget_without_a_session_signs_in_through_a_popup_and_the_frame_comes_back_signed_in()
    {
        RequireApp();
        var collection = await SeedAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync($"{hosts.AllowedOrigin}/?collections={Uri.EscapeDataString(collection)}");
        await page.GetByTestId("widget-launcher").ClickAsync();
        await WaitFrameInteractiveAsync(page);
        var signIn = Frame(page).GetByTestId("embed-sign-in");
        await Expect(signIn).ToBeVisibleAsync();
        Assert.Equal(0, await Frame(page).GetByTestId("chat-input").CountAsync());

        var popup = await page.RunAndWaitForPopupAsync(() => signIn.ClickAsync());
        await popup.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login\\?returnUrl=%2Fembed%2Fsigned-in"));
        await popup.GetByTestId("login-username").FillAsync(AppUnderTest.AdminName);
        await popup.GetByTestId("login-password").FillAsync(AppUnderTest.AdminPassword);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        popup.Close += (_, _) => closed.TrySetResult();
        await popup.GetByTestId("login-submit").ClickAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The frame reloaded itself on the popup's signal and now has the viewer's session.
        await Expect(Frame(page).GetByTestId("chat-input")).ToBeVisibleAsync();
        await Expect(Frame(page).GetByTestId("embed-scope")).ToContainTextAsync(collection);
    }

    [BrowserFact]
    public async Task A_page_whose_origin_is_not_allowed_cannot_frame_the_chat()
    {
        RequireApp();
        var collection = await SeedAsync();

        // The header: /embed/* names the allowed origin only; the rest of the app may not be framed at all.
        using (var http = new HttpClient())
        {
            using var embed = await http.GetAsync($"{app.BaseUrl}/embed/chat");
            var csp = string.Join(";", embed.Headers.GetValues("Content-Security-Policy"));
            var frameAncestors = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("frame-ancestors", StringComparison.Ordinal));
            Assert.Contains(hosts.AllowedOrigin, frameAncestors);
            Assert.DoesNotContain(hosts.OtherOrigin, frameAncestors);
            using var chat = await http.GetAsync($"{app.BaseUrl}/login");
            Assert.Contains("frame-ancestors 'none'", string.Join(";", chat.Headers.GetValues("Content-Security-Policy")));
        }

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await page.GotoAsync($"{hosts.OtherOrigin}/?collections={Uri.EscapeDataString(collection)}");

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByTestId("widget-launcher").ClickAsync(),
            r => r.Url.StartsWith(app.BaseUrl + "/embed/chat", StringComparison.Ordinal));
        var header = await response.HeaderValueAsync("content-security-policy") ?? "";
        Assert.DoesNotContain(hosts.OtherOrigin, header);

        // The browser refuses to render the frame: no chat inside it, ever.
        await Expect(Panel(page)).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(2_000);
        var child = Assert.Single(page.MainFrame.ChildFrames);
        Assert.False(child.Url.StartsWith(app.BaseUrl + "/embed/chat", StringComparison.Ordinal), $"the frame shows {child.Url}");
        Assert.Equal(0, await Frame(page).Locator("[data-testid=embed-chat], [data-testid=chat-input]").CountAsync());
        await Pages.ShotAsync(page, "widget-02-blocked");
    }
}

/// <summary>The widget script's budget: what every intranet page downloads.</summary>
public sealed class WidgetScriptBudgetTests
{
    public const int MaxGzippedBytes = 15 * 1024;

    private static string WidgetPath => Path.Combine(Artifacts.RepoRoot, "src", "PrivateRag.Web", "wwwroot", "widget.js");

    [Fact]
    public void Widget_script_is_at_most_15_KB_gzipped()
    {
        var bytes = File.ReadAllBytes(WidgetPath);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        Assert.True(buffer.Length <= MaxGzippedBytes, $"widget.js is {buffer.Length} bytes gzipped; the budget is {MaxGzippedBytes}.");
    }

    [Fact]
    public void Widget_script_carries_no_key_and_loads_no_other_code()
    {
        var script = File.ReadAllText(WidgetPath);
        Assert.DoesNotContain("Authorization", script, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Bearer", script, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("prk_", script, StringComparison.Ordinal);
        Assert.DoesNotContain("import(", script, StringComparison.Ordinal);
        Assert.DoesNotContain("createElement(\"script\")", script, StringComparison.Ordinal);
    }
}
