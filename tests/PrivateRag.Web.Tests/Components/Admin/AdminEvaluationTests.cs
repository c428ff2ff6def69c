using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Storage;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Admin.Evaluation;

namespace PrivateRag.Web.Tests.Components;

public sealed class AdminEvaluationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private const string Csv = """
        Question,Source Docs,Answer
        How much is the hotel limit in London?,travel.md,220 euros
        Is alcohol reimbursed?,travel.md,No
        """;

    [Fact]
    public async Task An_admin_uploads_a_csv_set_runs_it_and_sees_the_run_in_the_chart_table_and_drill_down()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "travel.md",
            "# Travel\n\nHotels are reimbursed up to 220 euros per night in London. Alcohol is not reimbursed.");
        await ctx.DrainQueueAsync();

        var cut = ctx.Render<AdminEvaluation>(p => p.Add(x => x.RefreshInterval, TimeSpan.FromMilliseconds(50)));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=eval-sets-empty]")), Wait);
        cut.Find("[data-testid=eval-set-name]").Input("Handbook questions");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv, "questions.csv"));
        await cut.InvokeAsync(() => cut.Find("form.eval-form").Submit());

        cut.WaitForAssertion(() =>
        {
            var row = Assert.Single(cut.FindAll("[data-testid=eval-set-row]"));
            Assert.Contains("Handbook questions", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("2 of 2", row.TextContent, StringComparison.Ordinal);
            Assert.NotNull(cut.Find("[data-testid=eval-chart-empty]"));
        }, Wait);

        cut.Find("[data-testid=eval-run-start]").Click();
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-testid=eval-run-progress]").GetAttribute("data-status")), Wait);
        // What EvaluationWorker does in the app.
        Assert.True(await ctx.Services.GetRequiredService<EvaluationRunner>().RunNextAsync());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("completed", Assert.Single(cut.FindAll("[data-testid=eval-run-row]")).GetAttribute("data-status"));
            Assert.Equal("1", cut.Find("[data-testid=eval-chart]").GetAttribute("data-points"));
            Assert.Empty(cut.FindAll("[data-testid=eval-run-progress]"));
        }, Wait);

        cut.Find("[data-testid=eval-run-open]").Click();
        cut.WaitForAssertion(() =>
        {
            var items = cut.FindAll("[data-testid=eval-item-row]");
            Assert.Equal(2, items.Count);
            Assert.Contains("How much is the hotel limit in London?", items[0].TextContent, StringComparison.Ordinal);
            Assert.All(items, i => Assert.Equal("true", i.GetAttribute("data-cites")));
            Assert.Contains("extractive", cut.Find("[data-testid=eval-run-settings]").TextContent, StringComparison.Ordinal);
        }, Wait);
    }

    [Fact]
    public async Task A_bad_file_is_refused_with_the_reason_and_no_set_is_added()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "travel.md", "Hotels are reimbursed up to 220 euros per night in London.");

        var cut = ctx.Render<AdminEvaluation>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=eval-sets-empty]")), Wait);
        cut.Find("[data-testid=eval-set-name]").Input("Broken");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Frage,Antwort\nWas?,Nichts\n", "fragen.csv"));
        await cut.InvokeAsync(() => cut.Find("form.eval-form").Submit());

        cut.WaitForAssertion(() => Assert.Contains("fragen.csv: The question set needs the columns 'Question' and 'Source Docs'",
            cut.Find("[data-testid=eval-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.NotNull(cut.Find("[data-testid=eval-sets-empty]"));
    }

    [Fact]
    public async Task Thumbs_down_questions_become_a_set_the_admin_labels_before_running()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "travel.md", "Hotels are reimbursed up to 220 euros per night in London.");
        await using (var db = await ctx.Services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync())
        {
            var conversation = new Conversation { Owner = PrivateRagTestContext.UserName, Title = "Hotels" };
            conversation.Turns.Add(new ConversationTurn { Role = TurnRole.User, Text = "What is the hotel limit in London?", CreatedAt = DateTimeOffset.UtcNow });
            conversation.Turns.Add(new ConversationTurn
            {
                Role = TurnRole.Assistant, Text = "No idea.", Feedback = -1, FeedbackComment = "not helpful", CreatedAt = DateTimeOffset.UtcNow.AddSeconds(1),
            });
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        var cut = ctx.Render<AdminEvaluation>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=eval-sets-empty]")), Wait);
        cut.Find("[data-testid=eval-set-name]").Input("Disliked");
        cut.Find("[data-testid=eval-feedback-create]").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("0 of 1", cut.Find("[data-testid=eval-set-row]").TextContent, StringComparison.Ordinal);
            Assert.NotNull(cut.Find("[data-testid=eval-needs-labels]"));
            Assert.True(cut.Find("[data-testid=eval-run-start]").HasAttribute("disabled"));
            Assert.Contains("not helpful", cut.Find("[data-testid=eval-question-row]").TextContent, StringComparison.Ordinal);
        }, Wait);

        cut.Find("[data-testid=eval-label-input]").Change("travel.md");
        await cut.InvokeAsync(() => cut.Find("form.eval-label").Submit());

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("1 of 1", cut.Find("[data-testid=eval-set-row]").TextContent, StringComparison.Ordinal);
            Assert.Empty(cut.FindAll("[data-testid=eval-needs-labels]"));
            Assert.False(cut.Find("[data-testid=eval-run-start]").HasAttribute("disabled"));
        }, Wait);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_no_evaluation_content()
    {
        await using var ctx = new PrivateRagTestContext(signedInAsAdmin: false);
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/evaluation");

        var cut = ctx.Render<Routes>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-access]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=admin-evaluation]"));
        Assert.Empty(cut.FindAll("[data-testid=eval-set-row]"));
    }

    [Fact]
    public async Task A_demoted_admins_open_evaluation_page_cannot_delete_a_set()
    {
        await using var ctx = new PrivateRagTestContext();
        var collection = await ctx.CreateCollectionAsync("Handbook");
        await ctx.UploadTextAsync(collection, "travel.md", "# Travel\n\nHotels are reimbursed up to 220 euros per night in London.");
        var sets = ctx.Services.GetRequiredService<QuestionSetService>();
        await sets.ImportCsvAsync(PrivateRag.Core.Access.AccessContext.System, "Kept", collection, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Csv)), "questions.csv");
        var cut = ctx.Render<AdminEvaluation>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=eval-set-row]")), Wait);

        // The page stays open while its circuit's caller is now a plain user: each action asks again and is refused.
        ctx.SignIn(ctx.User);
        await cut.InvokeAsync(() => cut.Find("[data-testid=eval-set-delete]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=eval-set-delete-confirm]")), Wait);
        await cut.InvokeAsync(() => cut.Find("[data-testid=eval-set-delete-confirm]").Click());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=eval-error]")), Wait);
        Assert.Single(await sets.ListAsync(PrivateRag.Core.Access.AccessContext.System));
    }
}
