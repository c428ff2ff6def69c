using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

[Collection(AppCollection.Name)]
public sealed class EvaluationFlowTests(AppUnderTest app, Browser browser)
{
    private static readonly byte[] QuestionsCsv = Encoding.UTF8.GetBytes($"""
        Question,Source Docs,Answer
        How much is the daily meal allowance?,{Pages.HandbookName},45 euros
        What is the hotel limit in London?,{Pages.HandbookName},220 euros per night
        Who approves trips abroad?,{Pages.HandbookName},The line manager and the budget owner
        """);

    [BrowserFact]
    public async Task An_admin_uploads_a_csv_set_runs_it_and_sees_the_run_complete_and_appear_in_the_chart()
    {
        Assert.True(app.StartError is null, app.StartError);
        var (collectionId, _) = await app.SeedAsync("Evaluation handbook", Pages.HandbookName, Pages.Handbook);

        await using var context = await browser.NewContextAsync(1280, 800);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        await page.GotoAsync(app.BaseUrl + "/admin/evaluation");
        await Pages.WaitInteractiveAsync(page);

        await page.GetByTestId("eval-set-name").FillAsync("Handbook questions");
        await page.GetByTestId("eval-set-collection").SelectOptionAsync(collectionId.ToString());
        await page.GetByTestId("eval-csv-input").SetInputFilesAsync(new FilePayload
        {
            Name = "handbook-questions.csv", MimeType = "text/csv", Buffer = QuestionsCsv,
        });
        await page.GetByTestId("eval-set-add").ClickAsync();
        var set = page.GetByTestId("eval-set-row").Filter(new() { HasText = "Handbook questions" });
        await Expect(set).ToContainTextAsync("3 of 3");
        await Expect(page.GetByTestId("eval-message")).ToBeVisibleAsync();

        await page.GetByTestId("eval-run-start").ClickAsync();
        var run = page.GetByTestId("eval-run-row").First;
        await Expect(run).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = AppUnderTest.IndexingTimeoutMs });
        await Expect(page.GetByTestId("eval-chart")).ToHaveAttributeAsync("data-points", "1");
        await Expect(page.GetByTestId("eval-chart").Locator("svg").First).ToBeVisibleAsync();

        await page.GetByTestId("eval-run-open").First.ClickAsync();
        await Expect(page.GetByTestId("eval-item-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("eval-item-row").First).ToContainTextAsync(Pages.HandbookName);

        var problems = new List<string>();
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "evaluation (light)"));
        await Pages.ShotAsync(page, "09-admin-evaluation");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "evaluation (dark)"));
        await Pages.ShotAsync(page, "09b-admin-evaluation-dark");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("eval-chart")).ToBeVisibleAsync();
        await Pages.ShotAsync(page, "09c-admin-evaluation-phone");
        var overflow = await Pages.OverflowAsync(page);
        // Names what sticks out (outside any scrolling box), so a failure says what to fix.
        var culprits = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== 'visible' && getComputedStyle(e).position !== 'absolute') return false; } return true; })
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '[' + (e.getAttribute('data-testid') || '') + ']').join(', ')
            """);
        Assert.True(overflow <= 0, $"The evaluation page is {overflow}px wider than the phone: {culprits}");
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "evaluation (phone)"));

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
    }
}
