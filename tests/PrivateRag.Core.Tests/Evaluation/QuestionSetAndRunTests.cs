using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Storage;
using PrivateRag.Core.Tests.Support;

namespace PrivateRag.Core.Tests.Evaluation;

/// <summary>Question sets imported into the real SQLite store, and runs carried out on a small lexical corpus (no model).</summary>
public sealed class QuestionSetAndRunTests
{
    private static readonly AccessContext Admin = new("admin", "admin", IsAdmin: true, new HashSet<string>());
    private static readonly AccessContext Reader = new("user:bob", "bob", IsAdmin: false, new HashSet<string> { "staff" });

    [Fact]
    public async Task The_services_refuse_a_caller_who_is_not_an_admin_whatever_the_page_or_endpoint_checked()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        var sets = host.Get<QuestionSetService>();
        var runs = host.Get<EvaluationRunService>();
        var set = await sets.ImportCsvAsync(Admin, "Travel", collection, Text(Csv), "questions.csv");
        var question = (await sets.GetAsync(Admin, set.Id))!.Questions[0];
        var run = await runs.StartAsync(Admin, new StartRunRequest(set.Id));

        var refused = new List<Func<Task>>
        {
            () => sets.ListAsync(Reader),
            () => sets.GetAsync(Reader, set.Id),
            () => sets.ImportCsvAsync(Reader, "Mine", collection, Text(Csv), "questions.csv"),
            () => sets.ImportBeirAsync(Reader, "Mine", collection, Text("{}"), "queries.jsonl", Text(""), "qrels.tsv"),
            () => sets.CreateFromFeedbackAsync(Reader, "Mine", null),
            () => sets.LabelAsync(Reader, question.Id, "x.md"),
            () => sets.DeleteAsync(Reader, set.Id),
            () => runs.StartAsync(Reader, new StartRunRequest(set.Id)),
            () => runs.ListAsync(Reader),
            () => runs.GetAsync(Reader, run.Id),
            () => runs.CancelAsync(Reader, run.Id),
        };
        foreach (var call in refused) await Assert.ThrowsAsync<ForbiddenException>(call);

        // Nothing a refused call asked for happened: one set, its label unchanged, the run still there.
        var after = await sets.ListAsync(Admin);
        Assert.Single(after);
        Assert.Equal(question.ExpectedSources, (await sets.GetAsync(Admin, set.Id))!.Questions[0].ExpectedSources);
        Assert.NotNull(await runs.GetAsync(Admin, run.Id));
    }

    private const string Csv = """
        Question,Source Docs,Answer
        How much is the hotel limit in London?,travel*.md,220 euros per night
        "Who approves trips abroad, and when?",travel-policy.md,
        What is the warranty period of the drill?,warranty.pdf,
        """;

    [Fact]
    public async Task A_csv_set_keeps_each_question_with_its_expected_sources_and_answer()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);

        var set = await host.Get<QuestionSetService>().ImportCsvAsync(Admin, "Travel questions", collection, Text(Csv), "questions.csv");

        Assert.Equal(QuestionSetKind.Csv, set.Kind);
        Assert.Equal("Travel", set.CollectionName);
        Assert.Equal(3, set.Questions);
        Assert.Equal(3, set.Labelled);
        var detail = await host.Get<QuestionSetService>().GetAsync(Admin, set.Id);
        Assert.NotNull(detail);
        Assert.Equal("travel*.md", detail.Questions[0].ExpectedSources);
        Assert.Equal("220 euros per night", detail.Questions[0].ReferenceAnswer);
        Assert.Equal("Who approves trips abroad, and when?", detail.Questions[1].Text);
    }

    [Fact]
    public async Task A_beir_set_keeps_the_judged_queries_with_their_qrels()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        const string queries = """
            {"_id": "q1", "text": "hotel limit London"}
            {"_id": "q2", "text": "meal allowance per day"}
            {"_id": "q3", "text": "a query nobody judged"}
            """;
        const string qrels = "query-id\tcorpus-id\tscore\nq1\ttravel-policy\t2\nq2\tmeals.md\t1\nq2\twarranty\t0\n";

        var set = await host.Get<QuestionSetService>().ImportBeirAsync(Admin, "BEIR", collection, Text(queries), "queries.jsonl", Text(qrels), "qrels.tsv");

        Assert.Equal(QuestionSetKind.Beir, set.Kind);
        Assert.Equal(2, set.Questions);
        var detail = await host.Get<QuestionSetService>().GetAsync(Admin, set.Id);
        Assert.Equal(["q1", "q2"], detail!.Questions.Select(q => q.ExternalId));
        Assert.Equal("meals.md", detail.Questions[1].ExpectedSources);
    }

    [Theory]
    [InlineData("Question,Answer\nWhat?,Nothing\n", "needs the columns 'Question' and 'Source Docs'")]
    [InlineData("Question,Source Docs\n", "questions.csv: no question found")]
    [InlineData("Question,Source Docs\nWhat is the hotel limit?,\n", "has no 'Source Docs'")]
    [InlineData("Question,Source Docs\nWhat is the hotel limit?,handbook-2019.pdf\n", "no 'Source Docs' entry names a document of this collection")]
    public async Task A_bad_csv_is_refused_with_the_reason(string csv, string reason)
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Get<QuestionSetService>().ImportCsvAsync(Admin, "Bad", collection, Text(csv), "questions.csv"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Get<QuestionSetService>().ListAsync(Admin));
    }

    [Theory]
    [InlineData("{\"_id\": \"q1\", \"text\": \"hotel\"}\nnot json\n", "q1\ttravel-policy\t1\n", "queries.jsonl:2: not a JSON object")]
    [InlineData("{\"text\": \"hotel\"}\n", "q1\ttravel-policy\t1\n", "queries.jsonl:1: the record has no \"_id\"")]
    [InlineData("{\"_id\": \"q1\", \"text\": \"hotel\"}\n", "query-id\tcorpus-id\tscore\nq1\ttravel-policy\thigh\n", "qrels.tsv:2: the score 'high' is not an integer")]
    [InlineData("{\"_id\": \"q1\", \"text\": \"hotel\"}\n", "q1 travel-policy\n", "qrels.tsv:1: expected 'query-id<TAB>corpus-id<TAB>score'")]
    [InlineData("{\"_id\": \"q1\", \"text\": \"hotel\"}\n", "q9\ttravel-policy\t1\n", "do the query ids match?")]
    [InlineData("{\"_id\": \"q1\", \"text\": \"hotel\"}\n", "q1\tdoc-from-another-corpus\t1\n", "No corpus id in qrels.tsv names a document of this collection")]
    [InlineData("", "q1\ttravel-policy\t1\n", "queries.jsonl: no query found")]
    public async Task Bad_beir_files_are_refused_with_the_reason(string queries, string qrels, string reason)
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Get<QuestionSetService>().ImportBeirAsync(Admin, "Bad", collection, Text(queries), "queries.jsonl", Text(qrels), "qrels.tsv"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_scores_retrieval_and_answers_and_keeps_each_questions_outcome()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        var set = await host.Get<QuestionSetService>().ImportCsvAsync(Admin, "Travel", collection, Text(Csv), "questions.csv");
        var runs = host.Get<EvaluationRunService>();

        var queued = await runs.StartAsync(Admin, new StartRunRequest(set.Id));
        Assert.Equal(EvaluationRunStatus.Queued, queued.Status);
        Assert.Equal([collection], queued.CollectionIds);
        Assert.True(await host.Get<EvaluationRunner>().RunNextAsync());
        Assert.False(await host.Get<EvaluationRunner>().RunNextAsync());

        var detail = await runs.GetAsync(Admin, queued.Id);
        Assert.NotNull(detail);
        var run = detail.Run;
        Assert.True(run.Status == EvaluationRunStatus.Completed, run.Error);
        Assert.Equal(3, run.Questions);
        Assert.Equal(run.Total, run.Done);
        Assert.Equal(6, run.Total); // 3 judged queries + 3 answers
        Assert.Equal("extractive", run.Mode);

        // The hotel and approval questions find their documents; the warranty file is not in the collection.
        Assert.Equal(3, detail.Items.Count);
        Assert.Equal(1.0, detail.Items[0].Recall10);
        Assert.Equal(1.0, detail.Items[1].Recall10);
        Assert.Equal(0.0, detail.Items[2].Recall10);
        Assert.Equal(0.0, detail.Items[2].Ndcg10);
        Assert.True(detail.Items[0].CitesExpected);
        Assert.Contains("travel-policy.md", detail.Items[0].CitedDocuments, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(detail.Items[0].Answer));
        Assert.False(detail.Items[2].CitesExpected);
        Assert.Equal(Math.Round(2 / 3.0, 4), run.Recall10);
        Assert.Equal(detail.Items.Average(i => i.Ndcg10!.Value), run.Ndcg10!.Value, 3);
        Assert.Equal(detail.Items.Count(i => i.CitesExpected == true) / 3.0, run.CitesExpected!.Value, 3);
        Assert.NotNull(run.NotFoundRate);

        using var settings = JsonDocument.Parse(detail.SettingsJson!);
        Assert.Equal("extractive", settings.RootElement.GetProperty("answerMode").GetString());
        Assert.Equal(3, settings.RootElement.GetProperty("documents").GetInt32());
        Assert.True(settings.RootElement.GetProperty("retrieval").TryGetProperty("rrfK", out _));
        // The answers asked on the run's behalf leave no conversation behind.
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Conversations.CountAsync());
    }

    [Fact]
    public async Task A_retrieval_only_run_generates_no_answers()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        var set = await host.Get<QuestionSetService>().ImportCsvAsync(Admin, "Travel", collection, Text(Csv), "questions.csv");

        var queued = await host.Get<EvaluationRunService>().StartAsync(Admin, new StartRunRequest(set.Id, [collection], IncludeAnswers: false));
        await host.Get<EvaluationRunner>().RunAsync(queued.Id);

        var detail = await host.Get<EvaluationRunService>().GetAsync(Admin, queued.Id);
        Assert.Equal(EvaluationRunStatus.Completed, detail!.Run.Status);
        Assert.Equal(3, detail.Run.Total);
        Assert.NotNull(detail.Run.Ndcg10);
        Assert.Null(detail.Run.CitesExpected);
        Assert.All(detail.Items, i => Assert.Null(i.Answer));
    }

    [Fact]
    public async Task Thumbs_down_questions_become_a_set_that_counts_once_labelled()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        await AddConversationAsync(host, "bob", "What is the meal allowance?", feedback: -1, comment: "wrong amount");
        await AddConversationAsync(host, "carol", "what is the meal allowance?", feedback: -1, comment: null);
        await AddConversationAsync(host, "dave", "Where do I book trains?", feedback: 1, comment: null);
        var sets = host.Get<QuestionSetService>();

        var set = await sets.CreateFromFeedbackAsync(Admin, "Disliked answers", collection);

        Assert.Equal(QuestionSetKind.Feedback, set.Kind);
        Assert.Equal(1, set.Questions); // the same question twice, once
        Assert.Equal(0, set.Labelled);
        var question = (await sets.GetAsync(Admin, set.Id))!.Questions.Single();
        Assert.Equal("wrong amount", question.Note);
        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Get<EvaluationRunService>().StartAsync(Admin, new StartRunRequest(set.Id)));
        Assert.Contains("label some questions first", refused.Message, StringComparison.Ordinal);

        await sets.LabelAsync(Admin, question.Id, " meals.md ");
        var run = await host.Get<EvaluationRunService>().StartAsync(Admin, new StartRunRequest(set.Id));
        await host.Get<EvaluationRunner>().RunAsync(run.Id);

        var detail = await host.Get<EvaluationRunService>().GetAsync(Admin, run.Id);
        Assert.Equal(EvaluationRunStatus.Completed, detail!.Run.Status);
        Assert.Equal(1.0, detail.Items.Single().Recall10);
    }

    [Fact]
    public async Task Without_thumbs_down_there_is_no_feedback_set()
    {
        await using var host = await CoreTestHost.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => host.Get<QuestionSetService>().CreateFromFeedbackAsync(Admin, "Empty", null));
        Assert.Contains("No answer has a thumbs-down yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_queued_run_is_never_carried_out_and_deleting_a_set_deletes_its_runs()
    {
        await using var host = await CoreTestHost.StartAsync();
        var collection = await SeedCorpusAsync(host);
        var set = await host.Get<QuestionSetService>().ImportCsvAsync(Admin, "Travel", collection, Text(Csv), "questions.csv");
        var runs = host.Get<EvaluationRunService>();
        var run = await runs.StartAsync(Admin, new StartRunRequest(set.Id));

        Assert.True(await runs.CancelAsync(Admin, run.Id));
        Assert.False(await host.Get<EvaluationRunner>().RunNextAsync());
        Assert.Equal(EvaluationRunStatus.Cancelled, (await runs.GetAsync(Admin, run.Id))!.Run.Status);

        Assert.True(await host.Get<QuestionSetService>().DeleteAsync(Admin, set.Id));
        Assert.Null(await runs.GetAsync(Admin, run.Id));
        Assert.Empty(await host.Get<QuestionSetService>().ListAsync(Admin));
    }

    /// <summary>A collection "Travel" with three small documents in the store and the lexical index.</summary>
    private static async Task<Guid> SeedCorpusAsync(CoreTestHost host)
    {
        var collection = await host.Get<CollectionService>().CreateAsync(new CreateCollection("Travel", null, new CollectionAccessRule(Everyone: true)));
        await host.AddIndexedDocumentAsync(collection.Id, "travel-policy.md",
            (1, "Hotels are reimbursed up to 220 euros per night in London, Paris and Zurich."),
            (2, "Trips abroad need the written approval of the line manager before booking."));
        await host.AddIndexedDocumentAsync(collection.Id, "meals.md",
            (1, "The daily meal allowance is 45 euros for a full day away and 20 euros for a partial day."));
        await host.AddIndexedDocumentAsync(collection.Id, "trains.md",
            (1, "Employees book train travel through the travel desk at least 14 days before departure."));
        return collection.Id;
    }

    private static async Task AddConversationAsync(CoreTestHost host, string owner, string question, int feedback, string? comment)
    {
        await using var db = await host.Get<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        var conversation = new Conversation { Owner = owner, Title = question };
        var asked = DateTimeOffset.UtcNow;
        conversation.Turns.Add(new ConversationTurn { Role = TurnRole.User, Text = question, CreatedAt = asked });
        conversation.Turns.Add(new ConversationTurn
        {
            Role = TurnRole.Assistant, Text = "An answer.", Feedback = feedback, FeedbackComment = comment, CreatedAt = asked.AddSeconds(1),
        });
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
