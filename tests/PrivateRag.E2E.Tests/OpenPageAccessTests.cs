using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>
/// Issue 16, item 1: an open page keeps no access it had when it opened. Each test plants a canary passage in a
/// collection only one group (or only admins) may read, signs a user in, has the open page (the chat, or the widget
/// frame) show the canary, then changes the user's access through the API and asks again in the same page, without a
/// reload: the canary does not come back. A disabled user's open page is signed out on its own.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class OpenPageAccessTests(AppUnderTest app, Browser browser)
{
    private const string Password = "open-page-password-1";

#pragma warning disable CA2255 // A test assembly: the shared app fixture starts with this process's environment.
    /// <summary>
    /// Open pages re-check their session every 2 s instead of 30 s, so the test of an idle page's sign-out does not
    /// wait half a minute; the other tests only see a cheap extra check per circuit.
    /// </summary>
    [ModuleInitializer]
    internal static void CheckSessionsOften() => Environment.SetEnvironmentVariable("Sessions__RevalidationInterval", "00:00:02");
#pragma warning restore CA2255

    private void RequireApp() => Assert.True(app.StartError is null, app.StartError);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A collection (access as the API takes it) holding one canary passage; returns the canary and a question that finds it.</summary>
    private async Task<(string Canary, string Question, string Collection)> PlantCanaryAsync(object access)
    {
        var word = Unique("zephyr");
        var canary = "CANARY-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var collection = Unique("canary-");
        var text = $"# Project {word}\n\nThe access code for project {word} is {canary}. Project {word} is confidential.\n";
        await app.SeedAsync(collection, word + ".md", Encoding.UTF8.GetBytes(text), access);
        return (canary, $"What is the access code for project {word}?", collection);
    }

    private async Task AddUserAsync(string userName, string role, params string[] groups)
    {
        using var response = await app.Api.PostAsJsonAsync("/api/users", new { userName, role, groups, password = Password });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Changes role and groups and keeps the password (none sent).</summary>
    private async Task ChangeUserAsync(string userName, string role, params string[] groups)
    {
        using var response = await app.Api.PostAsJsonAsync("/api/users", new { userName, role, groups });
        response.EnsureSuccessStatusCode();
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string userName)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(app.BaseUrl + "/login");
        await page.GetByTestId("login-username").FillAsync(userName);
        await page.GetByTestId("login-password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(app.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await Pages.WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>The widget's frame page on its own (what the iframe loads), signed in with the context's cookie.</summary>
    private async Task<IPage> OpenWidgetAsync(IBrowserContext context, string collection)
    {
        var frame = await context.NewPageAsync();
        frame.SetDefaultTimeout(30_000);
        await frame.GotoAsync($"{app.BaseUrl}/embed/chat?collections={Uri.EscapeDataString(collection)}");
        await frame.Locator("html[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        return frame;
    }

    private static async Task<ILocator> AskInWidgetAsync(IPage frame, string question)
    {
        var before = await frame.GetByTestId("chat-message").CountAsync();
        await frame.GetByTestId("chat-input").FillAsync(question);
        await frame.GetByTestId("chat-send").ClickAsync();
        var answer = frame.GetByTestId("chat-message").Nth(before);
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 60_000 });
        return answer;
    }

    [BrowserFact]
    public async Task Chat_a_removed_group_takes_effect_on_the_next_question_without_a_reload()
    {
        RequireApp();
        var group = Unique("ops-");
        var (canary, question, _) = await PlantCanaryAsync(new { groups = new[] { group } });
        var user = Unique("uma");
        await AddUserAsync(user, "user", group);
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, user);

        await Expect(await Pages.AskAsync(page, question)).ToContainTextAsync(canary);
        await page.EvaluateAsync("() => window.__samePage = true");

        await ChangeUserAsync(user, "user");
        var after = await Pages.AskAsync(page, question);
        await Expect(after).Not.ToContainTextAsync(canary);
        // Still the same page and session: nothing was reloaded, the user is simply no longer in the group.
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "the page was reloaded");
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
        await Pages.ShotAsync(page, "open-page-01-group-removed");
    }

    [BrowserFact]
    public async Task Chat_a_demoted_admin_gets_no_admin_only_passage_on_the_next_question_and_is_signed_out()
    {
        RequireApp();
        var (canary, question, _) = await PlantCanaryAsync(new { everyone = false });
        var user = Unique("vic");
        await AddUserAsync(user, "admin");
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, user);
        await Expect(await Pages.AskAsync(page, question)).ToContainTextAsync(canary);
        var answers = await page.GetByTestId("chat-message").CountAsync();

        await ChangeUserAsync(user, "user");
        try
        {
            await page.GetByTestId("chat-input").FillAsync(question, new() { Timeout = 5_000 });
            await page.GetByTestId("chat-send").ClickAsync(new() { Timeout = 5_000 });
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            // The periodic check (2 s here) may sign the page out before the question is sent: the same outcome.
        }

        // A role change ends the session: the question is not answered and the page goes to the sign-in form.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 30_000 });
        Assert.DoesNotContain(canary, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.True(answers >= 1);
        await Pages.ShotAsync(page, "open-page-02-demoted");
    }

    [BrowserFact]
    public async Task Chat_a_disabled_users_open_page_is_signed_out_without_any_action()
    {
        RequireApp();
        var user = Unique("wes");
        await AddUserAsync(user, "user");
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, user);

        using (var disabled = await app.Api.PostAsync($"/api/users/{user}/disable", null)) disabled.EnsureSuccessStatusCode();

        // The circuit's periodic check (Sessions:RevalidationInterval, 2 s here) signs it out; the page goes to the
        // sign-in form, and the cookie no longer gets the user back in.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("login-submit")).ToBeVisibleAsync();
        await page.GotoAsync(app.BaseUrl + "/");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 30_000 });
    }

    [BrowserFact]
    public async Task Widget_a_removed_group_takes_effect_on_the_next_question_and_a_disabled_users_frame_shows_it_is_signed_out()
    {
        RequireApp();
        var group = Unique("ops-");
        var (canary, question, collection) = await PlantCanaryAsync(new { groups = new[] { group } });
        // A second collection the user keeps, so the frame stays usable after the group goes.
        var (_, _, open) = await PlantCanaryAsync(new { everyone = true });
        var user = Unique("xia");
        await AddUserAsync(user, "user", group);
        await using var context = await browser.NewContextAsync();
        await SignInAsync(context, user);
        var frame = await OpenWidgetAsync(context, $"{collection},{open}");

        await Expect(await AskInWidgetAsync(frame, question)).ToContainTextAsync(canary);
        await frame.EvaluateAsync("() => window.__samePage = true");

        await ChangeUserAsync(user, "user");
        var after = await AskInWidgetAsync(frame, question);
        await Expect(after).Not.ToContainTextAsync(canary);
        Assert.True(await frame.EvaluateAsync<bool>("() => window.__samePage === true"), "the frame was reloaded");
        await Pages.ShotAsync(frame, "open-page-03-widget-group-removed");

        using (var disabled = await app.Api.PostAsync($"/api/users/{user}/disable", null)) disabled.EnsureSuccessStatusCode();
        await Expect(frame.GetByTestId("embed-chat")).ToHaveAttributeAsync("data-state", "signedout", new() { Timeout = 30_000 });
        await Expect(frame.GetByTestId("embed-sign-in")).ToBeVisibleAsync();
        Assert.Equal(0, await frame.GetByTestId("chat-input").CountAsync());
        Assert.DoesNotContain(canary, await frame.ContentAsync(), StringComparison.Ordinal);
        await Pages.ShotAsync(frame, "open-page-04-widget-signed-out");
    }
}
