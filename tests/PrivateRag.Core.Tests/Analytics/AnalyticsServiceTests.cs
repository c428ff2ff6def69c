using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Analytics;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Support;
using PrivateRag.Core.Text;
using PrivateRag.Tests;

namespace PrivateRag.Core.Tests.Analytics;

public sealed class AnalyticsServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 30, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 3, 10);

    [Fact]
    public async Task Daily_figures_count_questions_users_timings_not_found_feedback_and_ingestion_per_utc_day()
    {
        await using var host = await CoreTestHost.StartAsync();
        await SeedAsync(host);

        var days = await Service(host).DailyAsync(7, CoreTestHost.Admin);

        AssertSeededFigures(days);
    }

    [Fact]
    public async Task The_report_totals_the_period_and_counts_a_user_once_across_days()
    {
        await using var host = await CoreTestHost.StartAsync();
        await SeedAsync(host);

        var report = await Service(host).ReportAsync(7, CoreTestHost.Admin);

        Assert.Equal(Today.AddDays(-6), report.From);
        Assert.Equal(Today, report.To);
        Assert.Equal(4, report.Totals.Questions);          // the answer 10 days ago is outside the week
        Assert.Equal(2, report.Totals.ActiveUsers);        // bob asked on two days
        Assert.Equal(1, report.Totals.NotFound);
        Assert.Equal(0.25, report.Totals.NotFoundRate);
        Assert.Equal(250, report.Totals.LatencyP50Ms);     // 100, 200, 300, 1000
        Assert.Equal(3, report.Totals.DocumentsIndexed);
        Assert.Equal(15, report.Totals.PagesIndexed);
        Assert.Equal(5, (await Service(host).ReportAsync(30, CoreTestHost.Admin)).Totals.Questions);
    }

    [Fact]
    public async Task Unanswered_questions_are_grouped_by_normalised_text_with_counts_and_the_last_time_asked()
    {
        await using var host = await CoreTestHost.StartAsync();
        await SeedAsync(host);
        await AddAnswerAsync(host, "carol", Now.AddHours(-2), "How do I book a hotel?", notFound: true);
        await AddAnswerAsync(host, "dave", Now.AddHours(-1), "  how do I   BOOK a hotel ", feedback: -1);
        await AddAnswerAsync(host, "carol", Now.AddMinutes(-30), "How do I book a hotel", feedback: 1); // answered well: not counted
        await AddAnswerAsync(host, "dave", Now.AddDays(-20), "How do I book a hotel?", notFound: true);  // outside the week

        var unanswered = (await Service(host).ReportAsync(7, CoreTestHost.Admin)).Unanswered;

        var hotel = unanswered[0];
        Assert.Equal("how do I   BOOK a hotel", hotel.Question); // the latest wording, trimmed
        Assert.Equal(2, hotel.Count);
        Assert.Equal(1, hotel.NotFound);
        Assert.Equal(1, hotel.ThumbsDown);
        Assert.Equal(Now.AddHours(-1), hotel.LastAsked, TimeSpan.FromSeconds(1));
        // From the seeded rows: the not-found question and the thumbs-down one.
        Assert.Contains(unanswered, q => q.Question == "Where is the canteen?" && q.Count == 1 && q.NotFound == 1);
        Assert.Contains(unanswered, q => q.Question == "Is parking free?" && q.Count == 1 && q.ThumbsDown == 1);
        Assert.Equal(3, unanswered.Count);
    }

    [Fact]
    public async Task Only_admins_get_analytics_and_the_period_is_checked()
    {
        await using var host = await CoreTestHost.StartAsync();
        var service = Service(host);
        await Assert.ThrowsAsync<ForbiddenException>(() => service.ReportAsync(7, CoreTestHost.User("bob")));
        await Assert.ThrowsAsync<ForbiddenException>(() => service.DailyAsync(7, CoreTestHost.User("bob")));
        await Assert.ThrowsAsync<InvalidRequestException>(() => service.DailyAsync(0, CoreTestHost.Admin));
        await Assert.ThrowsAsync<InvalidRequestException>(() => service.DailyAsync(AnalyticsService.MaxDays + 1, CoreTestHost.Admin));
    }

    [Fact]
    public async Task Answers_keep_their_latency_time_to_first_text_and_not_found_and_the_figures_show_them()
    {
        await using var host = await CoreTestHost.StartAsync();
        var handbook = await host.Get<CollectionService>().CreateAsync(new CreateCollection("handbook", Access: new CollectionAccessRule(Everyone: true)));
        await host.AddIndexedDocumentAsync(handbook.Id, "handbook.pdf", (3, "Employees receive thirty days of paid vacation per year."));
        var chat = host.Get<ChatService>();

        var found = await chat.AskAsync(new ChatRequest("How many days of paid vacation do employees get?"), CoreTestHost.User("bob"));
        var missing = await chat.AskAsync(new ChatRequest("zzyzx quantum teleporter warranty"), CoreTestHost.User("carol"));

        Assert.False(found.NotFound);
        Assert.True(missing.NotFound);
        await using (var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync())
        {
            var answer = await db.ConversationTurns.SingleAsync(t => t.Id == found.MessageId);
            Assert.NotNull(answer.LatencyMs);
            Assert.NotNull(answer.FirstTokenMs);
            Assert.InRange(answer.FirstTokenMs!.Value, 0, answer.LatencyMs!.Value);
            Assert.False(answer.NotFound);
            Assert.True((await db.ConversationTurns.SingleAsync(t => t.Id == missing.MessageId)).NotFound);
        }
        var today = (await host.Get<AnalyticsService>().DailyAsync(1, CoreTestHost.Admin)).Single();
        Assert.Equal(2, today.Questions);
        Assert.Equal(2, today.ActiveUsers);
        Assert.Equal(1, today.NotFound);
        Assert.NotNull(today.LatencyP50Ms);
        var unanswered = (await host.Get<AnalyticsService>().ReportAsync(1, CoreTestHost.Admin)).Unanswered;
        Assert.Equal("zzyzx quantum teleporter warranty", Assert.Single(unanswered).Question);
    }

    [Fact]
    public async Task The_csv_has_a_header_and_one_row_per_day_in_invariant_numbers()
    {
        await using var host = await CoreTestHost.StartAsync();
        await SeedAsync(host);

        var csv = DailyFiguresCsv.Write(await Service(host).DailyAsync(7, CoreTestHost.Admin));

        var rows = CsvRecords.Parse(csv).ToList();
        Assert.Equal(DailyFiguresCsv.Header.Split(','), rows[0]);
        Assert.Equal(8, rows.Count);
        var today = rows[^1];
        Assert.Equal(["2026-03-10", "3", "2", "200", "290", "20", "29", "1", "0.3333", "1", "1", "2", "8", "1"], today);
        var quiet = rows[1];
        Assert.Equal(["2026-03-04", "0", "0", "", "", "", "", "0", "", "0", "0", "0", "0", "0"], quiet);
    }

    [PostgreSqlFact]
    public async Task The_same_figures_come_from_postgresql()
    {
        await using var host = await CoreTestHost.StartPostgreSqlAsync();
        try
        {
            await SeedAsync(host);
            AssertSeededFigures(await Service(host).DailyAsync(7, CoreTestHost.Admin));
            Assert.Equal(2, (await Service(host).ReportAsync(7, CoreTestHost.Admin)).Unanswered.Count);
        }
        finally
        {
            await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
            Npgsql.NpgsqlConnection.ClearAllPools();
            await db.Database.EnsureDeletedAsync();
        }
    }

    private static void AssertSeededFigures(IReadOnlyList<DailyFigures> days)
    {
        Assert.Equal(7, days.Count);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => Today.AddDays(i - 6)), days.Select(d => d.Day));

        var today = days[^1];
        Assert.Equal(3, today.Questions);
        Assert.Equal(2, today.ActiveUsers);
        Assert.Equal(200, today.LatencyP50Ms);
        Assert.Equal(290, today.LatencyP95Ms);
        Assert.Equal(20, today.FirstTokenP50Ms);
        Assert.Equal(1, today.NotFound);
        Assert.Equal(1, today.ThumbsUp);
        Assert.Equal(1, today.ThumbsDown);
        Assert.Equal(2, today.DocumentsIndexed);
        Assert.Equal(8, today.PagesIndexed);
        Assert.Equal(1, today.DocumentsFailed);

        var yesterday = days[^2];
        Assert.Equal(1, yesterday.Questions);
        Assert.Equal(1000, yesterday.LatencyP95Ms);
        Assert.Null(yesterday.FirstTokenP50Ms); // an answer from before timings were kept

        Assert.Equal(1, days[^3].DocumentsIndexed);
        Assert.Equal(7, days[^3].PagesIndexed);
        Assert.Equal(0, days[0].Questions);
        Assert.Null(days[0].NotFoundRate);
    }

    private static AnalyticsService Service(CoreTestHost host) =>
        new(host.Get<IDbContextFactory<PrivateRagDbContext>>(), new FixedClock(Now));

    /// <summary>
    /// Today (UTC): alice twice, bob once (100/200/300 ms, first text 10/20/30 ms; one not found, one up, one down);
    /// yesterday: bob once (1000 ms, no first-text time); ten days ago: alice once. Documents: two indexed today
    /// (3 + 5 pages), one failed today, one indexed two days ago (7 pages), one still queued.
    /// </summary>
    private static async Task SeedAsync(CoreTestHost host)
    {
        await AddAnswerAsync(host, "alice", Now.AddHours(-3), "What is the hotel limit?", latency: 100, firstToken: 10, feedback: 1);
        await AddAnswerAsync(host, "alice", Now.AddHours(-2), "Where is the canteen?", latency: 200, firstToken: 20, notFound: true);
        await AddAnswerAsync(host, "bob", new DateTimeOffset(2026, 3, 10, 0, 0, 1, TimeSpan.Zero), "Is parking free?", latency: 300, firstToken: 30, feedback: -1);
        await AddAnswerAsync(host, "bob", new DateTimeOffset(2026, 3, 9, 23, 59, 59, TimeSpan.Zero), "Who approves trips?", latency: 1000);
        await AddAnswerAsync(host, "alice", Now.AddDays(-10), "An old question", latency: 50, firstToken: 5);

        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("docs-" + Guid.NewGuid().ToString("N")[..6]));
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        db.Documents.AddRange(
            Document(collection.Id, DocumentStatus.Indexed, 3, Now.AddHours(-1)),
            Document(collection.Id, DocumentStatus.Indexed, 5, Now.AddHours(-4)),
            Document(collection.Id, DocumentStatus.Failed, 0, Now.AddHours(-5)),
            Document(collection.Id, DocumentStatus.Indexed, 7, Now.AddDays(-2)),
            Document(collection.Id, DocumentStatus.Queued, 0, Now.AddMinutes(-5)));
        await db.SaveChangesAsync();
    }

    private static Document Document(Guid collectionId, DocumentStatus status, int pages, DateTimeOffset at) => new()
    {
        CollectionId = collectionId, Name = $"{status}-{pages}.pdf", ContentHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
        MediaType = "application/pdf", Status = status, Pages = pages, CreatedAt = at.AddMinutes(-1), UpdatedAt = at,
    };

    private static async Task AddAnswerAsync(
        CoreTestHost host, string owner, DateTimeOffset at, string question, int? latency = null, int? firstToken = null, bool notFound = false, int? feedback = null)
    {
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        var conversation = new Conversation { Owner = owner, Title = question, CreatedAt = at, UpdatedAt = at };
        conversation.Turns.Add(new ConversationTurn { Role = TurnRole.User, Text = question, CreatedAt = at });
        conversation.Turns.Add(new ConversationTurn
        {
            Role = TurnRole.Assistant, Text = notFound ? ChatService.NotFoundAnswer : "An answer [1].", Mode = "extractive",
            CreatedAt = at.AddTicks(10), LatencyMs = latency, FirstTokenMs = firstToken, NotFound = notFound, Feedback = feedback,
        });
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
