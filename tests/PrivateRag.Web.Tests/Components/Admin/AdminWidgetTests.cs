using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateRag.Web.Startup;
using PrivateRag.Web.Components.Admin.Widget;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminWidgetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_widget_page_shows_the_snippet_the_allowed_origins_and_a_preview_of_the_frame()
    {
        await using var ctx = new PrivateRagTestContext();
        // The context's services are fixed once built: put the configured value where IOptionsMonitor reads it.
        ctx.Services.GetRequiredService<IOptionsMonitorCache<WidgetFramingOptions>>()
            .TryAdd(Options.DefaultName, new WidgetFramingOptions { AllowedOrigins = ["https://intranet.example.com"] });
        var handbook = await ctx.CreateCollectionAsync("Handbook");

        var cut = ctx.Render<AdminWidget>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=widget-collection]")), Wait);
        cut.Find("[data-testid=widget-collection]").Change(true);

        var snippet = cut.Find("[data-testid=widget-snippet]").TextContent;
        Assert.StartsWith("<script src=\"http://localhost/widget.js\"", snippet, StringComparison.Ordinal);
        Assert.Contains($"data-collections=\"{handbook}\"", snippet, StringComparison.Ordinal);
        Assert.EndsWith("async></script>", snippet, StringComparison.Ordinal);
        Assert.Contains("https://intranet.example.com", cut.Find("[data-testid=widget-origins]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("/embed/chat?", cut.Find("[data-testid=widget-preview]").GetAttribute("src"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_allowed_origins_the_page_says_only_the_app_may_frame_the_widget()
    {
        await using var ctx = new PrivateRagTestContext();

        var cut = ctx.Render<AdminWidget>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=widget-no-origins]")), Wait);
    }
}
