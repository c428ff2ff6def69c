using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Components.Admin.Audit;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminAuditTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_audit_page_lists_entries_and_filters_by_kind()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "travel.txt", "Travel is booked through the travel desk.");
        await ctx.Services.GetRequiredService<AccountService>().AddOrUpdateUserAsync("dana", "user", [], null);

        var cut = ctx.Render<AdminAudit>();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=audit-row]").Count >= 2), Wait);

        cut.Find("[data-testid=audit-kind]").Change("upload");
        await cut.InvokeAsync(() => cut.Find("form").Submit());
        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=audit-row]");
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Contains("upload", r.TextContent, StringComparison.Ordinal));
            Assert.Contains(rows, r => r.TextContent.Contains("travel.txt", StringComparison.Ordinal));
        }, Wait);
    }

    [Fact]
    public async Task A_demoted_admins_open_audit_page_shows_nothing_more()
    {
        await using var ctx = new PrivateRagTestContext();
        await ctx.Services.GetRequiredService<AccountService>().AddOrUpdateUserAsync("dana", "user", [], null);
        var cut = ctx.Render<AdminAudit>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=audit-row]")), Wait);

        // The page stays open while its circuit's caller is now a plain user: each action asks again and is refused.
        ctx.SignIn(ctx.User);
        await cut.InvokeAsync(() => cut.Find("form").Submit());
        cut.WaitForAssertion(() =>
        {
            Assert.NotNull(cut.Find("[data-testid=audit-error]"));
            Assert.Empty(cut.FindAll("[data-testid=audit-row]"));
        }, Wait);
    }
}
