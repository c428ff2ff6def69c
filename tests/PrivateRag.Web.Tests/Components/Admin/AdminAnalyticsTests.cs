using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Components;
using PrivateRag.Web.Resources;
using PrivateRag.Web.Components.Admin.Analytics;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminAnalyticsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private const string Unanswerable = "What is the wifi password in the Leeds office?";
    private const string Disliked = "How many days do customers have to return products?";

    /// <summary>A document indexed today, one answered question rated not helpful and one that found nothing, both by bob.</summary>
    private static async Task SeedAsync(PrivateRagTestContext ctx)
    {
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "refunds.txt",
            "Refund policy\n\nCustomers may return products within 30 days of purchase for a full refund.");
        await ctx.DrainQueueAsync();
        var bob = new AccessContext(PrivateRagTestContext.UserName, PrivateRagTestContext.UserName, IsAdmin: false, new HashSet<string> { "staff" });
        var chat = ctx.Services.GetRequiredService<ChatService>();
        var answered = await chat.AskAsync(new ChatRequest(Disliked), bob);
        Assert.False(answered.NotFound);
        await ctx.Services.GetRequiredService<ConversationService>().SetFeedbackAsync(answered.MessageId, -1, null, bob);
        Assert.True((await chat.AskAsync(new ChatRequest(Unanswerable), bob)).NotFound);
    }

    [Fact]
    public async Task The_page_shows_totals_a_chart_per_figure_the_unanswered_questions_and_the_daily_table()
    {
        await using var ctx = new PrivateRagTestContext();
        await SeedAsync(ctx);

        var renderedFrom = DateTime.UtcNow; // the newest row is the UTC day of the render: this one or, past midnight, the next
        var cut = ctx.Render<AdminAnalytics>();

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=total-questions]").TextContent), Wait);
        Assert.Equal("1", cut.Find("[data-testid=total-users]").TextContent);
        Assert.Equal("50%", cut.Find("[data-testid=total-not-found]").TextContent.Replace(" ", "", StringComparison.Ordinal));
        string[] charts = ["questions", "users", "latency", "first-token", "not-found", "feedback", "documents", "pages"];
        foreach (var chart in charts)
        {
            var figure = cut.Find($"[data-testid=chart-{chart}]");
            Assert.NotNull(figure.QuerySelector("svg"));
            Assert.False(string.IsNullOrWhiteSpace(figure.QuerySelector("figcaption")!.TextContent), chart);
        }
        var questions = cut.FindAll("[data-testid=unanswered-question]").Select(q => q.TextContent).ToList();
        Assert.Equal(2, questions.Count);
        Assert.Contains(Unanswerable, questions);
        Assert.Contains(Disliked, questions);
        Assert.Equal(30, cut.FindAll("[data-testid=daily-row]").Count);
        var today = cut.FindAll("[data-testid=daily-row]")[0].TextContent; // newest first
        var days = new[] { renderedFrom, DateTime.UtcNow }.Select(d => d.ToString("d", UiText.Default.Culture)).ToList();
        Assert.True(days.Any(d => today.Contains(d, StringComparison.Ordinal)), $"the newest row '{today}' is not {string.Join(" or ", days)}");
    }

    [Fact]
    public async Task The_period_buttons_reload_the_figures_and_the_export_link_follows_the_period()
    {
        await using var ctx = new PrivateRagTestContext();
        var cut = ctx.Render<AdminAnalytics>();
        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll("[data-testid=daily-row]").Count), Wait);
        Assert.Equal("/api/analytics/daily.csv?days=30", cut.Find("[data-testid=analytics-export]").GetAttribute("href"));
        Assert.NotNull(cut.Find("[data-testid=unanswered-empty]"));

        cut.Find("[data-testid=analytics-period-7]").Click();

        cut.WaitForAssertion(() => Assert.Equal(7, cut.FindAll("[data-testid=daily-row]").Count), Wait);
        Assert.Equal("/api/analytics/daily.csv?days=7", cut.Find("[data-testid=analytics-export]").GetAttribute("href"));
        Assert.Equal("true", cut.Find("[data-testid=analytics-period-7]").GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find("[data-testid=analytics-period-30]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task The_page_speaks_german_when_the_visitor_does()
    {
        await using var ctx = new PrivateRagTestContext();
        var cut = ctx.Render<AdminAnalytics>(p => p.AddCascadingValue(UiText.For("de")));
        cut.WaitForAssertion(() => Assert.Contains("Häufigste unbeantwortete Fragen", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("CSV herunterladen", cut.Find("[data-testid=analytics-export]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_no_analytics()
    {
        await using var ctx = new PrivateRagTestContext(signedInAsAdmin: false);
        await SeedAsync(ctx);
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/analytics");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.Contains("do not have access", cut.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=admin-analytics]"));
        Assert.DoesNotContain(Unanswerable, cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_reaches_the_page_through_the_router()
    {
        await using var ctx = new PrivateRagTestContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/analytics");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=admin-analytics]")), Wait);
    }
}
