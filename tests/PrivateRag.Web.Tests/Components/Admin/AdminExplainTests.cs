using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Components.Admin.Explain;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminExplainTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Explain_shows_what_a_user_gets_and_what_they_do_not_with_the_reason()
    {
        await using var ctx = new PrivateRagTestContext();
        var open = await ctx.CreateCollectionAsync("Handbook");
        var restricted = await ctx.Services.GetRequiredService<CollectionService>()
            .CreateAsync(new CreateCollection("Payroll", Access: new CollectionAccessRule(Groups: ["hr"])));
        await ctx.UploadTextAsync(open, "travel.txt", "Travel expenses are reimbursed within thirty days of the trip.");
        await ctx.UploadTextAsync(restricted.Id, "salaries.txt", "Salary expenses and travel allowances for executives.");
        await ctx.DrainQueueAsync();
        await ctx.Services.GetRequiredService<AccountService>().AddOrUpdateUserAsync("dana", "user", ["staff"], null);

        var cut = ctx.Render<AdminExplain>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=explain-user]")), Wait);
        cut.Find("[data-testid=explain-user]").Change("dana");
        cut.Find("[data-testid=explain-question]").Input("travel expenses");
        await cut.InvokeAsync(() => cut.Find("form").Submit());

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("travel.txt", Assert.Single(cut.FindAll("[data-testid=explain-visible]")).TextContent, StringComparison.Ordinal);
            var hidden = Assert.Single(cut.FindAll("[data-testid=explain-hidden]"));
            Assert.Contains("salaries.txt", hidden.TextContent, StringComparison.Ordinal);
            Assert.Contains("No access", hidden.TextContent, StringComparison.Ordinal);
        }, Wait);
    }
}
