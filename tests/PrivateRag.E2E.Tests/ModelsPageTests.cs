using Microsoft.Playwright;
using PrivateRag.Tests;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>/admin/models in the real app as it starts by default: without any model.</summary>
[Collection(AppCollection.Name)]
public sealed class ModelsPageTests(AppUnderTest app, Browser browser)
{
    [BrowserFact]
    public async Task Without_a_model_the_models_page_says_so_is_accessible_and_fits_desktop_and_phone()
    {
        Assert.True(app.StartError is null, app.StartError);
        await using var context = await browser.NewContextAsync(1280, 800);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        await page.GotoAsync(app.BaseUrl + "/admin/models");
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("models-no-chat")).ToContainTextAsync("No chat model is configured");
        await Expect(page.GetByTestId("model-chat")).ToHaveAttributeAsync("data-state", "off");
        await Expect(page.GetByTestId("models-test-unavailable")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("catalog-row")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByTestId("config-row").Filter(new() { HasText = "Models:DownloadDirectory" })).ToContainTextAsync("environment");
        await Pages.ShotAsync(page, "10-admin-models");
        await Pages.FullPageShotAsync(page, "10-admin-models-full");

        var problems = new List<string>();
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "models, light"));
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(1);
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "models, dark"));
        await Pages.FullPageShotAsync(page, "10c-admin-models-dark-full");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("html[data-theme=dark]")).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(390, 844);
        var overflow = await Pages.OverflowAsync(page);
        Assert.True(overflow <= 0, $"The models page is {overflow}px wider than the phone.");
        await Pages.ShotAsync(page, "10b-admin-models-phone");
        await Pages.FullPageShotAsync(page, "10b-admin-models-phone-full");
        problems.AddRange(await Pages.SeriousViolationsAsync(page, "models, phone"));

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
    }
}

/// <summary>The app with the tiny random llama model as its chat model.</summary>
public sealed class TinyModelApp : AppUnderTest
{
    protected override bool CanStart => base.CanStart && SharedData.Available;

    protected override string LogName => "app-tiny-model.log";

    protected override IReadOnlyDictionary<string, string> ExtraEnvironment => new Dictionary<string, string>
    {
        ["Models__Chat__Path"] = SharedData.TinyModel,
        ["Models__Chat__ContextSize"] = "512",
        ["Models__Chat__Threads"] = "1",
        ["Inference__Chat__MaxConcurrent"] = "2",
    };
}

[CollectionDefinition(Name)]
public sealed class TinyModelAppCollection : ICollectionFixture<TinyModelApp>, ICollectionFixture<Browser>
{
    public const string Name = "app with the tiny model in a browser";
}

/// <summary>A browser test that also needs ../shared (the tiny model): skipped, with the reason, without either.</summary>
public sealed class TinyModelBrowserFactAttribute : FactAttribute
{
    public TinyModelBrowserFactAttribute()
    {
        if (!Browser.Available) Skip = Browser.MissingReason;
        else if (!SharedData.Available) Skip = SharedData.MissingReason;
    }
}

[Collection(TinyModelAppCollection.Name)]
public sealed class ModelsPageWithModelTests(TinyModelApp app, Browser browser)
{
    [TinyModelBrowserFact]
    public async Task The_test_prompt_streams_a_reply_with_its_timings_and_the_model_shows_as_loaded()
    {
        Assert.True(app.StartError is null, app.StartError);
        await using var context = await browser.NewContextAsync(1280, 800);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        await page.GotoAsync(app.BaseUrl + "/admin/models");
        await Pages.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("models-no-chat")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("model-chat").GetByTestId("model-architecture")).ToHaveTextAsync("llama");
        await Expect(page.GetByTestId("models-live")).ToBeVisibleAsync();

        await page.GetByTestId("models-test-prompt").FillAsync("Say hello in one sentence.");
        await page.GetByTestId("models-test-send").ClickAsync();
        await Expect(page.GetByTestId("models-test-reply")).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("models-test-reply")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("models-test-stats")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"First token after [\d,]+ ms; [\d.]+ tokens/s"));
        await Expect(page.GetByTestId("model-chat")).ToHaveAttributeAsync("data-state", "loaded");
        await Expect(page.GetByTestId("models-throughput")).Not.ToContainTextAsync("Average 0.0 tokens/s");
        await Pages.ShotAsync(page, "11-admin-models-tiny");
        await Pages.FullPageShotAsync(page, "11-admin-models-tiny-full");

        var problems = (await Pages.SeriousViolationsAsync(page, "models with a chat model")).ToList();
        await page.SetViewportSizeAsync(390, 844);
        var overflow = await Pages.OverflowAsync(page);
        Assert.True(overflow <= 0, $"The models page is {overflow}px wider than the phone.");
        await Pages.ShotAsync(page, "11b-admin-models-tiny-phone");
        await page.GetByTestId("models-live").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "11c-admin-models-tiny-phone-live");
        await page.GetByTestId("models-catalog").ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "11d-admin-models-tiny-phone-catalog");
        await Pages.FullPageShotAsync(page, "11b-admin-models-tiny-phone-full");
        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
    }
}
