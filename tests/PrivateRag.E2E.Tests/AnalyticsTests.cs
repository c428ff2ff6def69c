using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

[Collection(AppCollection.Name)]
public sealed class AnalyticsTests(AppUnderTest app, Browser browser)
{
    private const string Unanswerable = "Zzyzx quorble teleporter warranty?";

    [BrowserFact]
    public async Task After_a_few_questions_an_admin_sees_the_analytics_at_desktop_and_phone_width_in_light_and_dark()
    {
        Assert.True(app.StartError is null, app.StartError);
        await app.SeedAsync("Analytics travel", Pages.HandbookName, Pages.Handbook);
        await using var context = await browser.NewContextAsync(1280, 800);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);
        // The unanswerable question first: a short follow-up would be searched together with the question before it.
        await Pages.AskAsync(page, Unanswerable);
        await Pages.AskAsync(page, "How much is the daily meal allowance?");

        await page.GotoAsync(app.BaseUrl + "/admin/analytics");
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("chart-questions").Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chart-latency").Locator("svg").First).ToBeVisibleAsync();
        Assert.True(int.Parse(await page.GetByTestId("total-questions").TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 2);
        await Expect(page.GetByTestId("unanswered-question").Filter(new() { HasText = Unanswerable })).ToHaveCountAsync(1);
        var problems = new List<string>(await Pages.SeriousViolationsAsync(page, "analytics (light)"));
        await Pages.ShotAsync(page, "09-analytics");
        await page.GetByTestId("chart-questions").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "09a-analytics-charts");

        // The export downloads with the same sign-in cookie.
        var href = await page.GetByTestId("analytics-export").GetAttributeAsync("href");
        Assert.Equal("/api/analytics/daily.csv?days=30", href);
        var csv = await context.APIRequest.GetAsync(app.BaseUrl + href);
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("date,questions,active_users", await csv.TextAsync(), StringComparison.Ordinal);

        await page.GetByTestId("analytics-period-7").ClickAsync();
        await Expect(page.GetByTestId("daily-row")).ToHaveCountAsync(7);

        await page.SetViewportSizeAsync(390, 844);
        var overflow = await Pages.OverflowAsync(page);
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the phone.");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Pages.ShotAsync(page, "09b-analytics-phone");
        await page.GetByTestId("chart-latency").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "09c-analytics-phone-charts");
        await page.GetByTestId("unanswered-table").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "09f-analytics-phone-unanswered");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "analytics (dark, phone)"));
        await page.GetByTestId("chart-not-found").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "09d-analytics-phone-dark");
        await page.SetViewportSizeAsync(1280, 800);
        await page.WaitForTimeoutAsync(400);
        await page.GetByTestId("chart-questions").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "09e-analytics-dark");
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "analytics (dark)"));

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
    }
}
