using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

public sealed class FairQueueTests
{
    [Fact]
    public void Waiting_requests_are_taken_round_robin_between_users()
    {
        var queue = new FairQueue<string>();
        queue.Enqueue("alice", "a1");
        queue.Enqueue("alice", "a2");
        queue.Enqueue("alice", "a3");
        queue.Enqueue("bob", "b1");
        queue.Enqueue("carol", "c1");
        queue.Enqueue("bob", "b2");

        Assert.Equal(["a1", "b1", "c1", "a2", "b2", "a3"], queue.InServiceOrder());
        var taken = new List<string>();
        while (queue.TryDequeue(out var item)) taken.Add(item);
        Assert.Equal(["a1", "b1", "c1", "a2", "b2", "a3"], taken);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_removed_request_leaves_the_order_of_the_others_intact()
    {
        var queue = new FairQueue<string>();
        queue.Enqueue("alice", "a1");
        queue.Enqueue("bob", "b1");
        queue.Enqueue("alice", "a2");

        Assert.True(queue.Remove("bob", "b1"));
        Assert.False(queue.Remove("bob", "b1"));

        Assert.Equal(["a1", "a2"], queue.InServiceOrder());
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void A_caller_naming_many_users_gets_one_lane_s_share_not_one_per_user()
    {
        var queue = new FairQueue<string>();
        // key0's caller names a new "user" on every request; key1 sends two requests as itself.
        for (var i = 0; i < 4; i++) queue.Enqueue($"key0/sock{i}", $"k0-{i}");
        queue.Enqueue("key1", "k1-a");
        queue.Enqueue("key1", "k1-b");

        Assert.Equal(["k0-0", "k1-a", "k0-1", "k1-b", "k0-2", "k0-3"], queue.InServiceOrder());
        var taken = new List<string>();
        while (queue.TryDequeue(out var item)) taken.Add(item);
        Assert.Equal(["k0-0", "k1-a", "k0-1", "k1-b", "k0-2", "k0-3"], taken);
    }

    [Fact]
    public void Inside_a_lane_its_users_still_take_turns()
    {
        var queue = new FairQueue<string>();
        queue.Enqueue("key0/alice", "a1");
        queue.Enqueue("key0/alice", "a2");
        queue.Enqueue("key0/bob", "b1");
        Assert.Equal(["a1", "b1", "a2"], queue.InServiceOrder());
        Assert.True(queue.Remove("key0/bob", "b1"));
        Assert.Equal(["a1", "a2"], queue.InServiceOrder());
    }
}

[Collection(TinyModelCollection.Name)]
public sealed class SchedulerTests(TinyModelFixture model)
{
    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "Hello there, how are you?")];

    [SharedDataFact]
    public async Task Eight_concurrent_streams_all_complete_and_share_the_model()
    {
        var status = model.Services.GetRequiredService<IChatSchedulerStatus>();
        var peak = 0;
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, status.Active);
                await Task.Delay(2);
            }
        });

        var streams = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var updates = new List<ChatResponseUpdate>();
            var options = new ChatOptions { MaxOutputTokens = 48, Temperature = 0.7f, Seed = i, AdditionalProperties = new() { [ChatScheduling.UserKey] = $"user{i}" } };
            await foreach (var update in model.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Tell story number {i}.")], options))
                updates.Add(update);
            return updates;
        })).ToList();

        var results = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(60));
        await done.CancelAsync();
        await watcher;

        Assert.All(results, updates =>
        {
            Assert.NotNull(updates[^1].FinishReason);
            Assert.InRange(updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.OutputTokenCount ?? 0, 1, 48);
        });
        Assert.True(peak > 1, $"expected several streams to run at once, peak was {peak}");
        Assert.Equal(0, status.Active);
    }

    [SharedDataFact]
    public async Task Greedy_output_is_the_same_alone_and_batched_with_others()
    {
        var greedy = new ChatOptions { MaxOutputTokens = 12, Temperature = 0 };
        var alone = await model.Chat.GetResponseAsync(Hello, greedy);

        var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => i == 2
            ? model.Chat.GetResponseAsync(Hello, greedy)
            : model.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, $"Something else {i} with a longer prompt to prefill")], greedy)));

        Assert.Equal(alone.Text, together[2].Text);
    }

    [SharedDataFact]
    public async Task A_cancelled_request_frees_its_sequence_for_the_next_queued_one()
    {
        using var services = OneSequence(maxQueue: 2);
        var chat = services.GetRequiredService<IChatClient>();
        var status = services.GetRequiredService<IChatSchedulerStatus>();

        using var cancelFirst = new CancellationTokenSource();
        var first = Stream(chat, "first", maxTokens: 4000, cancelFirst.Token);
        await first.FirstToken.WaitAsync(TimeSpan.FromSeconds(30));

        var positions = new Recorder();
        var second = Stream(chat, "second", maxTokens: 4, CancellationToken.None, positions);
        await WaitUntil(() => status.Queued == 1 && positions.Reports.Count > 0);
        Assert.False(second.FirstToken.IsCompleted);
        Assert.Equal(new QueuePosition(0, false), positions.Reports.First());

        var cancelledAt = DateTime.UtcNow;
        await cancelFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Completion);

        var updates = await second.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(8), "the queued request should start as soon as the first is cancelled");
        Assert.NotNull(updates[^1].FinishReason);
        Assert.Contains(new QueuePosition(0, true), positions.Reports);
        Assert.True(first.Tokens < 4000);
        await WaitUntil(() => status.Active == 0);
    }

    [SharedDataFact]
    public async Task Requests_past_the_queue_bound_are_refused_with_a_retry_after()
    {
        using var services = OneSequence(maxQueue: 1);
        var chat = services.GetRequiredService<IChatClient>();
        var status = services.GetRequiredService<IChatSchedulerStatus>();
        using var cts = new CancellationTokenSource();

        var running = Stream(chat, "running", maxTokens: 4000, cts.Token);
        await running.FirstToken.WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = Stream(chat, "waiting", maxTokens: 4000, cts.Token);
        await WaitUntil(() => status.Queued == 1);

        var busy = await Assert.ThrowsAsync<InferenceBusyException>(() => chat.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 4 }));

        Assert.InRange(busy.RetryAfterSeconds, 1, 300);
        Assert.Equal(1, busy.Active);
        Assert.Equal(1, busy.Queued);
        Assert.Contains("busy", busy.Message, StringComparison.OrdinalIgnoreCase);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.Completion);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Completion);
        await WaitUntil(() => status.Active == 0 && status.Queued == 0);
    }

    [SharedDataFact]
    public async Task Queue_positions_are_reported_and_users_take_turns()
    {
        using var services = OneSequence(maxQueue: 8);
        var chat = services.GetRequiredService<IChatClient>();
        var status = services.GetRequiredService<IChatSchedulerStatus>();
        using var cts = new CancellationTokenSource();

        var running = Stream(chat, "running", maxTokens: 4000, cts.Token, user: "alice");
        await running.FirstToken.WaitAsync(TimeSpan.FromSeconds(30));

        var alice1 = new Recorder();
        var alice2 = new Recorder();
        var bob1 = new Recorder();
        // Positions are reported just after the queue changes: wait for the reports, not only the queue length.
        var a1 = Stream(chat, "a1", 4000, cts.Token, alice1, "alice");
        await WaitUntil(() => status.Queued == 1 && alice1.Reports.Count == 1);
        var a2 = Stream(chat, "a2", 4000, cts.Token, alice2, "alice");
        await WaitUntil(() => status.Queued == 2 && alice2.Reports.Count == 1);
        var b1 = Stream(chat, "b1", 4000, cts.Token, bob1, "bob");
        await WaitUntil(() => status.Queued == 3 && bob1.Reports.Count == 1 && alice2.Reports.Count == 2);

        Assert.Equal(0, alice1.Last.RequestsAhead);
        Assert.Equal(1, bob1.Last.RequestsAhead); // bob goes before alice's second request
        Assert.Equal([1, 2], alice2.Reports.Select(p => p.RequestsAhead));

        await cts.CancelAsync();
        foreach (var stream in new[] { running, a1, a2, b1 })
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.Completion);
        await WaitUntil(() => status.Active == 0 && status.Queued == 0);
    }

    private static ServiceProvider OneSequence(int maxQueue) => TinyModelFixture.Build(new Dictionary<string, string?>
    {
        ["Models:Chat:Path"] = SharedData.TinyModel,
        ["Models:Chat:ContextSize"] = "4096",
        ["Inference:Chat:MaxConcurrent"] = "1",
        ["Inference:Chat:MaxQueue"] = maxQueue.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static RunningStream Stream(
        IChatClient chat, string text, int maxTokens, CancellationToken cancellationToken, Recorder? positions = null, string? user = null)
    {
        var stream = new RunningStream();
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0.8f, AdditionalProperties = [] };
        if (positions is not null) options.AdditionalProperties[ChatScheduling.QueueProgressKey] = positions;
        if (user is not null) options.AdditionalProperties[ChatScheduling.UserKey] = user;
        stream.Completion = Task.Run(async () =>
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, text)], options, cancellationToken))
            {
                updates.Add(update);
                stream.Tokens++;
                stream.Started.TrySetResult();
            }

            return updates;
        }, CancellationToken.None);
        return stream;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the scheduler");
            await Task.Delay(5);
        }
    }

    private sealed class RunningStream
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstToken => Started.Task;

        public Task<List<ChatResponseUpdate>> Completion { get; set; } = null!;

        public int Tokens { get; set; }
    }

    /// <summary>Records positions synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class Recorder : IProgress<QueuePosition>
    {
        private readonly ConcurrentQueue<QueuePosition> _reports = new();

        public IReadOnlyList<QueuePosition> Reports => [.. _reports];

        public QueuePosition Last => Reports[^1];

        public void Report(QueuePosition value) => _reports.Enqueue(value);
    }
}
