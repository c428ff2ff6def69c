using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Inference.Local;
using PrivateRag.Tests;

namespace PrivateRag.Inference.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class LocalChatTests(TinyModelFixture model)
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    private static readonly ChatMessage[] Question = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "What is retrieval-augmented generation?")];

    [SharedDataFact]
    public async Task Streaming_yields_tokens_one_by_one_and_stops_at_max_output_tokens()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in model.Chat.GetStreamingResponseAsync(Question, new ChatOptions { MaxOutputTokens = 6, Temperature = 0.8f, Seed = 7 }))
            updates.Add(update);

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.InRange(usage.OutputTokenCount ?? 0, 1, 6);
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 2, "expected several text updates");
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        if (usage.OutputTokenCount == 6) Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [SharedDataFact]
    public async Task The_response_reports_usage_and_finish_reason()
    {
        var response = await model.Chat.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 5 });

        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 10);
        Assert.InRange(response.Usage.OutputTokenCount ?? 0, 1, 5);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.NotNull(response.FinishReason);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
    }

    [SharedDataFact]
    public async Task The_configured_output_limit_applies_when_the_caller_gives_none()
    {
        var response = await model.Chat.GetResponseAsync(Question);
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 16);
    }

    [SharedDataFact]
    public async Task Cancellation_stops_streaming_promptly()
    {
        using var cts = new CancellationTokenSource();
        var afterCancel = 0;
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in model.Chat.GetStreamingResponseAsync(Question, new ChatOptions { MaxOutputTokens = 400 }, cts.Token))
            {
                if (cts.IsCancellationRequested) afterCancel++;
                else if (update.Text.Length > 0) await cts.CancelAsync();
            }
        });

        Assert.InRange(afterCancel, 0, 1); // "promptly": tokens already produced are dropped at once
        // Only a guard against a hang (the first call may load the model on a loaded machine), not a speed claim.
        Assert.True(DateTime.UtcNow - started < NoHang, $"took {DateTime.UtcNow - started}");
    }

    // Exact text from separate calls: each runs alone in a cleared sequence, and along this question's greedy path the
    // two best tokens are never closer than 8e-4 on logits of ~0.2 (measured on the tiny model), far above the ~1e-7
    // relative rounding that differing batches could bring (see SchedulerTests' greedy test). Leftover context would
    // change the text outright.
    [SharedDataFact]
    public async Task Greedy_answers_do_not_depend_on_earlier_conversations()
    {
        var greedy = new ChatOptions { MaxOutputTokens = 8, Temperature = 0 };
        var first = await model.Chat.GetResponseAsync(Question, greedy);
        await model.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Something else entirely, to fill the context.")], greedy);
        var again = await model.Chat.GetResponseAsync(Question, greedy);

        Assert.Equal(first.Text, again.Text);
        Assert.Equal(first.Usage?.OutputTokenCount, again.Usage?.OutputTokenCount);
    }

    [SharedDataFact]
    public async Task Concurrent_requests_are_all_answered()
    {
        var requests = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            model.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, $"Question {i}")], new ChatOptions { MaxOutputTokens = 4 })));

        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.InRange(r.Usage?.OutputTokenCount ?? 0, 1, 4));
    }

    [SharedDataFact]
    public async Task A_prompt_longer_than_the_context_is_rejected_with_a_clear_message()
    {
        var huge = string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"word{i}"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => model.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, huge)]));

        Assert.Contains("Models:Chat:ContextSize", error.Message);
    }

    [SharedDataFact]
    public async Task The_tiny_model_has_no_template_so_chatml_is_used()
    {
        var weights = await model.Services.GetRequiredKeyedService<LocalModel>("PrivateRag.Inference.Chat").GetWeightsAsync(default);
        var formatter = ChatPromptFormatter.Create(weights, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.False(formatter.UsesModelTemplate);
        Assert.Contains("<|im_end|>", formatter.StopSequences);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            formatter.Format([new ChatMessage(ChatRole.User, "Hi")], instructions: "Be brief."));
    }

    [SharedDataFact]
    public void The_tokenizer_counts_tokens_with_the_chat_model()
    {
        var tokenizer = model.Services.GetRequiredService<ITokenizer>();

        Assert.Equal(0, tokenizer.CountTokens(""));
        var few = tokenizer.CountTokens("Hello world");
        var many = tokenizer.CountTokens(string.Join(' ', Enumerable.Repeat("Hello world", 20)));
        Assert.InRange(few, 2, 6);
        Assert.True(many > 10 * few, $"{many} vs {few}");
    }
}
