using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PrivateRag.E2E.Tests;

/// <summary>Steps the tests share: sign in, wait for the interactive circuit, ask, take screenshots.</summary>
public static class Pages
{
    public const string HandbookName = "travel-handbook.md";

    public static readonly byte[] Handbook = Encoding.UTF8.GetBytes("""
        # Travel and expenses handbook

        ## Booking travel

        Employees book train and air travel through the travel desk at least 14 days before departure.
        Rail is preferred for journeys under five hours. Economy class applies to all flights shorter than six hours.

        ## Hotels

        Hotels are reimbursed up to 140 euros per night in most cities and up to 220 euros per night in London,
        Paris and Zurich. Breakfast is included in the nightly limit.

        ## Meal allowance

        The daily meal allowance is 45 euros for a full day away and 20 euros for a partial day. Alcohol is not
        reimbursed. Keep every receipt and upload it within 30 days of returning.

        ## Approval

        Trips abroad need the written approval of the line manager and of the budget owner before booking.
        """);

    /// <summary>Blazor marks the page interactive (app.js) once the circuit is up; clicking earlier is lost.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("html[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    public static async Task SignInAsync(IPage page, string baseUrl, Func<IPage, Task>? beforeSubmit = null)
    {
        await page.GotoAsync(baseUrl + "/login");
        await page.GetByTestId("login-username").FillAsync(AppUnderTest.AdminName);
        await page.GetByTestId("login-password").FillAsync(AppUnderTest.AdminPassword);
        if (beforeSubmit is not null) await beforeSubmit(page);
        await page.GetByTestId("login-submit").ClickAsync();
        // What matters is the chat page becoming interactive, not the browser's load event: under load (two apps and
        // a browser on two cores) that event has once taken longer than the default 30 s.
        await page.WaitForURLAsync(baseUrl + "/", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await WaitInteractiveAsync(page);
    }

    /// <summary>Asks in the chat box and waits until the answer has finished streaming; returns that answer.</summary>
    public static async Task<ILocator> AskAsync(IPage page, string question)
    {
        var before = await page.GetByTestId("chat-message").CountAsync();
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
        var answer = page.GetByTestId("chat-message").Nth(before);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 60_000 });
        return answer;
    }

    /// <summary>axe-core's serious and critical findings on the settled page, each prefixed with <paramref name="state"/>.</summary>
    public static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string state)
    {
        // Judge the settled page: no tooltip or hover left by the last click, no colour transition half-way through a
        // theme switch.
        await page.Mouse.MoveAsync(1, 1);
        await page.WaitForTimeoutAsync(800);
        await SettledAsync(page);
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"[{state}] {v.Impact} {v.Id}: {v.Help} — " + string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html)));
    }

    /// <summary>
    /// Waits (up to 30 s) until no CSS transition is running, e.g. a theme switch's colours: a pause alone may not
    /// cover it on a loaded machine, and axe would judge colours half-way.
    /// </summary>
    public static async Task SettledAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')",
                null, new() { Timeout = 30_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            // judged as it is; the findings say what was wrong
        }
    }

    /// <summary>
    /// How many pixels the page is wider than the window once its layout has settled after a resize or render (up to
    /// 30 s, e.g. charts following their container): 0 or less when nothing sticks out.
    /// </summary>
    public static async Task<int> OverflowAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= window.innerWidth", null,
                new() { Timeout = 30_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            // it does stick out: report by how much
        }

        return await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
    }

    /// <summary>A screenshot of the whole page (long admin pages), not just the viewport.</summary>
    public static async Task FullPageShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Artifacts.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.ScreenshotDirectory, name + ".png") });
    }
}
