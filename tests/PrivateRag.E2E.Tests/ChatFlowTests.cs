using Deque.AxeCore.Playwright;
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
        await Expect(row).ToContainTextAsync("indexed", new() { Timeout = 120_000 });
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
        await Expect(panel.GetByTestId("source-highlight")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "03-source-viewer");

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
        problems.AddRange(await SeriousViolationsAsync(page, "empty chat"));
        var answer = await Pages.AskAsync(page, "What is the hotel limit in London?");
        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        problems.AddRange(await SeriousViolationsAsync(page, "answer with source panel"));

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        problems.AddRange(await SeriousViolationsAsync(page, "dark mode"));

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
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the phone.");
        await Pages.ShotAsync(page, "04-phone");

        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "04b-phone-source");
        await page.GetByTestId("source-close").ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(1366, 860);
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        await answer.GetByTestId("citation").First.ClickAsync();
        await Expect(page.GetByTestId("source-panel")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "05-dark-mode");
    }

    private static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"[{state}] {v.Impact} {v.Id}: {v.Help} — " +
                         string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html)));
    }

    private static string WriteHandbook()
    {
        var path = Path.Combine(Path.GetTempPath(), "privaterag-e2e-" + Guid.NewGuid().ToString("N")[..8], Pages.HandbookName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Pages.Handbook);
        return path;
    }
}
