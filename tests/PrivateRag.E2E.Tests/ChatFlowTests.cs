using Microsoft.Playwright;
using PrivateRag.Tests;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

[Collection(AppCollection.Name)]
public sealed class ChatFlowTests(AppUnderTest app, Browser browser)
{
    private const string PdfPath = "docs/pypdf-sample-files/GeoTopo-komprimiert.pdf";

    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private static bool _seeded;

    /// <summary>A collection with the Markdown handbook, made once through the API, for the tests that do not upload.</summary>
    private async Task EnsureSeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_seeded) return;
            await app.SeedAsync("Travel", Pages.HandbookName, Pages.Handbook);
            _seeded = true;
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private void RequireApp() => Assert.True(app.StartError is null, app.StartError);

    [BrowserFact]
    public async Task Sign_in_upload_ask_check_the_source_give_feedback_and_find_the_conversation_after_a_reload()
    {
        RequireApp();
        // The real PDF when ../shared is beside the project, otherwise a generated Markdown file.
        var pdf = SharedData.File(PdfPath);
        var (file, question, expected) = pdf is not null
            ? (pdf, "Was ist ein topologischer Raum?", "GeoTopo-komprimiert.pdf")
            : (WriteHandbook(), "How much is the daily meal allowance?", Pages.HandbookName);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(app.BaseUrl + "/login");
        await Expect(page.GetByTestId("login-submit")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "01-login");
        await Pages.SignInAsync(page, app.BaseUrl);

        // An administrator creates a collection and uploads a file.
        await page.GotoAsync(app.BaseUrl + "/admin/collections");
        await Pages.WaitInteractiveAsync(page);
        await page.Locator("input[data-testid=collection-name], [data-testid=collection-name] input").First.FillAsync("Library");
        await page.GetByTestId("collection-create").ClickAsync();
        await page.GetByTestId("collection-created").GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin/collections/[0-9a-f-]{36}$"));
        await Pages.WaitInteractiveAsync(page);
        await page.GetByTestId("upload-input").SetInputFilesAsync(file);
        var row = page.GetByTestId("document-row").Filter(new() { HasText = Path.GetFileName(file) });
        await Expect(row).ToContainTextAsync("indexed", new() { Timeout = AppUnderTest.IndexingTimeoutMs });
        await Pages.ShotAsync(page, "06-admin-collection");

        // An employee asks and gets a streamed answer with a citation.
        await page.GotoAsync(app.BaseUrl + "/");
        await Pages.WaitInteractiveAsync(page);
        var answer = await Pages.AskAsync(page, question);
        await Expect(answer.GetByTestId("chat-answer-text")).Not.ToBeEmptyAsync();
        var citation = answer.GetByTestId("citation").First;
        await Expect(citation).ToContainTextAsync(expected);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/c/[0-9a-f-]{36}$"));
        await Pages.ShotAsync(page, "02-chat-answer");

        // One click shows the source.
        await citation.ClickAsync();
        var panel = page.GetByTestId("source-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel).ToContainTextAsync(expected);
        await Expect(panel.GetByTestId("source-highlight").First).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "03-source-viewer");

        // The link opens the original in the browser, at the cited page for a PDF; unknown documents are not found.
        var href = await panel.GetByTestId("source-open").GetAttributeAsync("href") ?? "";
        Assert.Matches(pdf is not null ? "^/api/documents/[0-9a-f-]{36}/view#page=[0-9]+$" : "^/api/documents/[0-9a-f-]{36}/view$", href);
        var original = await context.APIRequest.GetAsync(app.BaseUrl + href.Split('#')[0]);
        Assert.Equal(200, original.Status);
        if (pdf is not null)
        {
            Assert.Equal("application/pdf", original.Headers["content-type"]);
            Assert.StartsWith("inline", original.Headers["content-disposition"], StringComparison.Ordinal);
        }
        var passage = await context.APIRequest.GetAsync(app.BaseUrl + href.Split('#')[0].Replace("/view", "/passage", StringComparison.Ordinal));
        Assert.Equal(200, passage.Status);
        Assert.Equal(404, (await context.APIRequest.GetAsync($"{app.BaseUrl}/api/documents/{Guid.NewGuid()}/view")).Status);

        // Feedback is recorded and shown.
        var up = answer.GetByTestId("feedback-up");
        await up.ClickAsync();
        await Expect(up).ToHaveAttributeAsync("aria-pressed", "true");

        // After a reload the conversation is still there, in the URL and in the sidebar.
        await page.ReloadAsync();
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("conversation-item").Filter(new() { HasText = question[..12] })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("chat-message")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("feedback-up")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [BrowserFact]
    public async Task The_chat_page_has_no_serious_or_critical_accessibility_violations()
    {
        RequireApp();
        await EnsureSeedAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        var problems = new List<string>();
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "empty chat"));
        var answer = await Pages.AskAsync(page, "What is the hotel limit in London?");
        // Keyboard: a citation opens with Enter, Escape closes the panel and focus goes back to the citation.
        var chip = answer.GetByTestId("citation").First;
        await chip.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("source-document")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("source-panel")).ToHaveCountAsync(0);
        await Expect(chip).ToBeFocusedAsync();
        await chip.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "answer with source panel"));

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "dark mode"));

        await page.GotoAsync(app.BaseUrl + "/admin/collections");
        await Pages.WaitInteractiveAsync(page);
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "admin collections (dark)"));

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
    }

    [BrowserFact]
    public async Task Phone_width_and_dark_mode_layouts()
    {
        RequireApp();
        await EnsureSeedAsync();
        await using var context = await browser.NewContextAsync(390, 844);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        var answer = await Pages.AskAsync(page, "How much is the daily meal allowance?");
        await Expect(answer.GetByTestId("citation").First).ToBeVisibleAsync();
        // Nothing is wider than the phone.
        var overflow = await Pages.OverflowAsync(page);
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the phone.");
        await Pages.ShotAsync(page, "04-phone");

        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "04b-phone-source");
        await page.GetByTestId("source-close").ClickAsync();
        await page.GetByTestId("conversations-toggle").ClickAsync();
        await Expect(page.GetByTestId("conversation-list")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conversations-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await page.WaitForTimeoutAsync(400); // the drawer slides in
        await Pages.ShotAsync(page, "04c-phone-conversations");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("conversation-list")).ToBeHiddenAsync();
        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await page.GetByTestId("source-close").ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(1366, 860);
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "05-dark-mode");

        // The choice is remembered by the server too: the next page is dark from its first paint.
        var html = await (await context.APIRequest.GetAsync(app.BaseUrl + "/admin/collections")).TextAsync();
        Assert.Contains("data-theme=\"dark\"", html, StringComparison.Ordinal);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(app.BaseUrl + "/admin/collections");
        await Pages.WaitInteractiveAsync(page);
        await Pages.ShotAsync(page, "06b-admin-phone-dark");
    }

    [BrowserFact]
    public async Task A_dropped_connection_reconnects_and_the_conversation_goes_on()
    {
        RequireApp();
        await EnsureSeedAsync();
        await using var context = await browser.NewContextAsync();
        // Every Blazor connection passes through Playwright, so the test can cut it like a flaky network would.
        var sockets = new List<IWebSocketRoute>();
        await context.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), ws =>
        {
            lock (sockets) sockets.Add(ws);
            ws.ConnectToServer();
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await Pages.AskAsync(page, "How much is the daily meal allowance?");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/c/[0-9a-f-]{36}$"));
        var address = page.Url;
        await page.GetByTestId("chat-input").FillAsync("Draft typed before the drop");

        IWebSocketRoute[] live;
        lock (sockets) live = [.. sockets];
        foreach (var ws in live) await ws.CloseAsync(new() { Code = 1001, Reason = "network drop (test)" });

        // Blazor reconnects on a new socket; the same circuit, page and conversation carry on.
        await Expect(page.GetByTestId("offline-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Task.Delay(500);
        await Expect(page.GetByTestId("offline-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        lock (sockets) Assert.True(sockets.Count > live.Length, "Blazor did not open a new connection after the drop.");
        await Expect(page.GetByTestId("chat-input")).ToHaveValueAsync("Draft typed before the drop");
        await page.GetByTestId("chat-input").FillAsync("");
        await Pages.AskAsync(page, "Is alcohol reimbursed?");
        await Expect(page.GetByTestId("chat-message")).ToHaveCountAsync(2);
        Assert.Equal(address, page.Url);
    }

    [BrowserFact]
    public async Task A_german_browser_gets_the_german_ui_and_the_picker_switches_to_english()
    {
        RequireApp();
        await EnsureSeedAsync();
        await using var context = await browser.NewContextAsync(locale: "de-DE");
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var cspErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (cspErrors) cspErrors.Add(message.Text);
        };

        await page.GotoAsync(app.BaseUrl + "/login");
        await Expect(page.GetByTestId("login-submit")).ToContainTextAsync("Anmelden");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Pages.SignInAsync(page, app.BaseUrl);
        await Expect(page.GetByTestId("chat-send")).ToContainTextAsync("Senden");
        var answer = await Pages.AskAsync(page, "Wie hoch ist das Hotellimit in London?");
        await Expect(answer.GetByTestId("feedback-up")).ToHaveAttributeAsync("aria-label", "Hilfreich");
        await Pages.ShotAsync(page, "07-german");

        // The design of the offline state (Blazor adds this class when the circuit is lost).
        await page.EvaluateAsync("() => document.getElementById('components-reconnect-modal').classList.add('components-reconnect-show')");
        await Expect(page.GetByTestId("offline-banner")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "08-offline-banner");
        await page.EvaluateAsync("() => document.getElementById('components-reconnect-modal').classList.remove('components-reconnect-show')");

        await page.GetByTestId("language-picker").Locator("button").First.ClickAsync();
        await page.GetByTestId("language-en").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en"); // the page reloaded in English
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("chat-send")).ToContainTextAsync("Send");

        // The static sign-in page has its own language buttons (no inline script: the CSP forbids it).
        await page.GotoAsync(app.BaseUrl + "/login");
        await Expect(page.GetByTestId("login-submit")).ToContainTextAsync("Sign in");
        await page.GetByTestId("language-de").ClickAsync();
        await Expect(page.GetByTestId("login-submit")).ToContainTextAsync("Anmelden");
        Assert.True(cspErrors.Count == 0, "The browser refused content: " + string.Join("\n", cspErrors));
    }

    private static string WriteHandbook()
    {
        var path = Path.Combine(Path.GetTempPath(), "privaterag-e2e-" + Guid.NewGuid().ToString("N")[..8], Pages.HandbookName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Pages.Handbook);
        return path;
    }
}
