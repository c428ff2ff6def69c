using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Retrieval;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Chat;

public sealed class ExplainServiceTests
{
    [Fact]
    public async Task Search_as_a_user_names_the_grant_behind_each_visible_passage_and_why_others_are_missing()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collections = host.Get<CollectionService>();
        var handbook = await collections.CreateAsync(new CreateCollection("handbook", Access: new CollectionAccessRule(Groups: ["staff"])));
        var payroll = await collections.CreateAsync(new CreateCollection("payroll", Access: new CollectionAccessRule(Groups: ["hr"])));
        await host.AddIndexedDocumentAsync(handbook.Id, "travel.pdf", (4, "Travel expenses are reimbursed within thirty days."));
        await host.AddIndexedDocumentAsync(payroll.Id, "salaries.pdf", (1, "Salary expenses and travel allowances for executives."));
        await host.Get<AccountService>().AddOrUpdateUserAsync("dana", "user", ["staff"], null);

        var result = await host.Get<ExplainService>().ExplainAsync("dana", "travel expenses", 10, CoreTestHost.Admin);

        var visible = Assert.Single(result.Passages, p => p.Visible);
        Assert.Equal("travel.pdf", visible.DocumentName);
        Assert.Contains("group 'staff'", visible.Reason);
        var hidden = Assert.Single(result.Passages, p => !p.Visible);
        Assert.Equal("salaries.pdf", hidden.DocumentName);
        Assert.Contains("No access", hidden.Reason);
        Assert.Equal(["staff"], result.Groups);
    }

    [Fact]
    public async Task Only_administrators_may_search_as_someone_else()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.Get<AccountService>().AddOrUpdateUserAsync("dana", "user", [], null);
        await Assert.ThrowsAsync<ForbiddenException>(() => host.Get<ExplainService>().ExplainAsync("dana", "anything", 10, CoreTestHost.User("eve")));
        await Assert.ThrowsAsync<NotFoundException>(() => host.Get<ExplainService>().ExplainAsync("nobody", "anything", 10, CoreTestHost.Admin));
    }
}
