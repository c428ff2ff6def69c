using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>Scalar's API reference in a real browser, under the app's Content-Security-Policy.</summary>
[Collection(AppCollection.Name)]
public sealed class ApiReferenceTests(AppUnderTest app, Browser browser)
{
    [BrowserFact]
    public async Task An_admin_opens_the_api_reference_and_its_groups_without_a_csp_violation()
    {
        Assert.True(app.StartError is null, app.StartError);
        await using var context = await browser.NewContextAsync(1366, 900);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (refused) refused.Add(message.Text);
        };
        // Violations are also events on the page (an eval that a library catches still raises one).
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        await Pages.SignInAsync(page, app.BaseUrl);

        await page.GotoAsync(app.BaseUrl + "/admin/api/");
        await Expect(page.GetByText("PrivateRag API").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Pages.ShotAsync(page, "20-api-reference");
        // Groups further down the page are rendered when opened: that is where the eval probe used to run.
        foreach (var group in new[] { "Sources", "OpenAI-compatible", "Chat" })
        {
            await page.GetByText(group, new() { Exact = true }).First.ClickAsync();
            await page.WaitForTimeoutAsync(1_000);
        }
        await page.Mouse.WheelAsync(0, 20_000);
        await page.WaitForTimeoutAsync(1_000);
        await Pages.ShotAsync(page, "20a-api-reference-group");
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.True(refused.Count == 0 && violations.Length == 0,
            "The browser refused content: " + string.Join("\n", refused.Concat(violations)));
    }
}
