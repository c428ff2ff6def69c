using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PrivateRag.E2E.Tests;

/// <summary>A citation of a PDF opens the cited page as an image with the passage shaded and the cited sentence marked.</summary>
[Collection(AppCollection.Name)]
public sealed class CitedPageTests(AppUnderTest app, Browser browser)
{
    private const string FileName = "pump-k7-manual.pdf";

    [BrowserFact]
    public async Task A_citation_opens_the_page_image_with_the_cited_words_marked()
    {
        Assert.True(app.StartError is null, app.StartError);
        var (_, documentId) = await app.SeedAsync("Pump manuals", FileName, MinimalPdf.WithText(
            "Pump K7 service manual, chapter 4: housing and seals.",
            "Check the seals of the pump housing every six months.",
            "The flange bolts of pump housing K7 are tightened to 47 newton metres.",
            "Replace the gasket whenever the housing has been opened."));

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await Pages.SignInAsync(page, app.BaseUrl);

        var answer = await Pages.AskAsync(page, "What torque are the flange bolts of pump housing K7 tightened to?");
        var citation = answer.GetByTestId("citation").Filter(new() { HasText = FileName }).First;
        await citation.ClickAsync();
        var panel = page.GetByTestId("source-panel");
        await Expect(panel).ToBeVisibleAsync();

        // The page image, loaded, with marks on it: the whole passage shaded and the cited sentence marked.
        var image = panel.GetByTestId("source-page");
        await Expect(image).ToBeVisibleAsync();
        await image.EvaluateAsync("img => img.decode()");
        Assert.True(await image.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the page image did not load");
        var cited = panel.Locator("[data-testid=source-highlight][data-cited=true]");
        await Expect(cited.First).ToBeVisibleAsync();
        Assert.True(await panel.GetByTestId("source-highlight").CountAsync() >= 2, "the passage and the cited sentence are both marked");
        // The cited mark sits on the image (inside its box), where the sentence is: the third line from the top.
        var imageBox = (await image.BoundingBoxAsync())!;
        var markBox = (await cited.First.BoundingBoxAsync())!;
        Assert.InRange(markBox.X, imageBox.X, imageBox.X + imageBox.Width);
        Assert.InRange(markBox.Y, imageBox.Y + 0.05 * imageBox.Height, imageBox.Y + 0.25 * imageBox.Height);
        await panel.ScrollIntoViewIfNeededAsync();
        await Pages.ShotAsync(page, "10-cited-page-marked");

        // Zoom widens the page; the text view is one click away and marks the passage there.
        var before = imageBox.Width;
        await panel.GetByTestId("source-zoom-in").ClickAsync();
        var wider = false;
        for (var i = 0; i < 50 && !wider; i++)
        {
            wider = (await image.BoundingBoxAsync())!.Width > before * 1.2f;
            if (!wider) await Task.Delay(100);
        }
        Assert.True(wider, "zooming in did not widen the page");
        await panel.GetByTestId("source-view-text").ClickAsync();
        await Expect(panel.Locator("mark[data-testid=source-highlight]")).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("source-page")).ToHaveCountAsync(0);

        // The image endpoint: readable page 200 PNG, no such page or document 404.
        var png = await context.APIRequest.GetAsync($"{app.BaseUrl}/api/documents/{documentId}/pages/1.png");
        Assert.Equal(200, png.Status);
        Assert.Equal("image/png", png.Headers["content-type"]);
        Assert.StartsWith("private", png.Headers["cache-control"], StringComparison.Ordinal);
        Assert.Equal(404, (await context.APIRequest.GetAsync($"{app.BaseUrl}/api/documents/{documentId}/pages/2.png")).Status);
        Assert.Equal(404, (await context.APIRequest.GetAsync($"{app.BaseUrl}/api/documents/{Guid.NewGuid()}/pages/1.png")).Status);
    }
}
