using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Testing;
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
    /// <summary>How long a test waits for the scheduler to reach a state: generous for a loaded two-core machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "Hello there, how are you?")];

    [SharedDataFact]
    public async Task Eight_concurrent_streams_all_complete_and_share_the_model()
    {
        const int streams = 8; // the fixture's Inference:Chat:MaxConcurrent
        var status = model.Services.GetRequiredService<IChatSchedulerStatus>();
        // Sharing is observed where it happens, not sampled: the scheduler reports each start on its own thread with the
        // request holding its sequence. The first start is held until all eight are queued, so the others start
        // together while it still holds its own, however the thread pool schedules the callers.
        var probe = new StartProbe(status, streams);

        var running = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
        {
            var updates = new List<ChatResponseUpdate>();
            var options = new ChatOptions
            {
                MaxOutputTokens = 48, Temperature = 0.7f, Seed = i,
                AdditionalProperties = new() { [ChatScheduling.UserKey] = $"user{i}", [ChatScheduling.QueueProgressKey] = probe.For(i) },
            };
            await foreach (var update in model.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Tell story number {i}.")], options))
                updates.Add(update);
            return updates;
        })).ToList();

        var results = await Task.WhenAll(running).WaitAsync(Wait);

        Assert.All(results, updates =>
        {
            Assert.NotNull(updates[^1].FinishReason);
            Assert.InRange(updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.OutputTokenCount ?? 0, 1, 48);
        });
        Assert.True(probe.Peak > 1, $"expected several streams to hold a sequence at once, peak was {probe.Peak}");
        // The last token reaches its reader just before the scheduler gives the sequence back.
        await WaitUntil(() => status.Active == 0);
    }

    // Exact text across separate model calls is sound here, though floats are not bit-exact across batch shapes:
    // llama.cpp sums in another order when other sequences share the step, moving logits by ~1e-7 of their size, and
    // greedy decoding only changes if that reorders the two best tokens. Along this prompt's greedy path the smallest
    // gap between them is 1.8e-4 on logits of ~0.2 (measured on the tiny model), thousands of times that noise; the
    // inputs are fixed, so the comparison cannot flip. A batching fault (wrong position, sequence or cache) changes the
    // text outright.
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
        var generated = services.GetRequiredService<GenerationThroughput>();

        // The first request holds the only sequence (the scheduler is held at its start, before any token).
        using var gate = new SchedulerGate();
        using var cancelFirst = new CancellationTokenSource();
        var first = Stream(chat, "first", maxTokens: 4000, cancelFirst.Token, gate);
        await gate.Started.WaitAsync(Wait);

        long? tokensWhenSecondStarted = null;
        var positions = new Recorder(onStart: () => tokensWhenSecondStarted = generated.TotalTokens);
        var second = Stream(chat, "second", maxTokens: 4, CancellationToken.None, positions);
        await WaitUntil(() => status.Queued == 1 && positions.Reports.Count > 0);
        Assert.False(second.FirstToken.IsCompleted);
        Assert.Equal(new QueuePosition(0, false), positions.Reports.First());

        await cancelFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Completion);
        gate.Release();

        var updates = await second.Completion.WaitAsync(Wait);
        Assert.NotNull(updates[^1].FinishReason);
        Assert.Contains(new QueuePosition(0, true), positions.Reports);
        Assert.Equal(0, first.Tokens);
        // The queued request got the sequence because the first was cancelled, not because it ran to its 4000 tokens:
        // nothing at all had been generated when the second started.
        Assert.Equal(0, tokensWhenSecondStarted);
        await WaitUntil(() => status.Active == 0);
    }

    [SharedDataFact]
    public async Task Requests_past_the_queue_bound_are_refused_with_a_retry_after()
    {
        using var services = OneSequence(maxQueue: 1);
        var chat = services.GetRequiredService<IChatClient>();
        var status = services.GetRequiredService<IChatSchedulerStatus>();
        using var cts = new CancellationTokenSource();
        using var gate = new SchedulerGate(); // "running" holds the only sequence until released, however fast the machine

        var running = Stream(chat, "running", maxTokens: 4000, cts.Token, gate);
        await gate.Started.WaitAsync(Wait);
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
        gate.Release();
        await WaitUntil(() => status.Active == 0 && status.Queued == 0);
    }

    [SharedDataFact]
    public async Task Queue_positions_are_reported_and_users_take_turns()
    {
        using var services = OneSequence(maxQueue: 8);
        var chat = services.GetRequiredService<IChatClient>();
        var status = services.GetRequiredService<IChatSchedulerStatus>();
        using var cts = new CancellationTokenSource();
        using var gate = new SchedulerGate(); // "running" holds the only sequence until released, however fast the machine

        var running = Stream(chat, "running", maxTokens: 4000, cts.Token, gate, user: "alice");
        await gate.Started.WaitAsync(Wait);

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
        gate.Release();
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
        IChatClient chat, string text, int maxTokens, CancellationToken cancellationToken, IProgress<QueuePosition>? positions = null, string? user = null)
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
        var deadline = DateTime.UtcNow + Wait;
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
    private sealed class Recorder(Action? onStart = null) : IProgress<QueuePosition>
    {
        private readonly ConcurrentQueue<QueuePosition> _reports = new();

        public IReadOnlyList<QueuePosition> Reports => [.. _reports];

        public QueuePosition Last => Reports[^1];

        public void Report(QueuePosition value)
        {
            if (value.Started) onStart?.Invoke(); // on the scheduler's thread, before the request's first step
            _reports.Enqueue(value);
        }
    }

    /// <summary>
    /// Progress listeners for <paramref name="streams"/> requests: the first start holds the scheduler until every
    /// request has been queued (each reports its place when queued); every start records how many requests then hold a
    /// sequence.
    /// </summary>
    private sealed class StartProbe(IChatSchedulerStatus status, int streams)
    {
        private readonly CountdownEvent _queued = new(streams);
        private readonly bool[] _seen = new bool[streams];
        private int _started;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public IProgress<QueuePosition> For(int stream) => new Listener(this, stream);

        private void Seen(int stream)
        {
            lock (_seen)
            {
                if (_seen[stream]) return;
                _seen[stream] = true;
            }

            _queued.Signal();
        }

        private void Started()
        {
            if (Interlocked.Increment(ref _started) == 1) _queued.Wait(Wait);
            var active = status.Active;
            int peak;
            while (active > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, active, peak) != peak)
            {
            }
        }

        private sealed class Listener(StartProbe probe, int stream) : IProgress<QueuePosition>
        {
            public void Report(QueuePosition value)
            {
                probe.Seen(stream);
                if (value.Started) probe.Started();
            }
        }
    }
}
