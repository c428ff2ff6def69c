using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.AI;
using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Web.Components.Admin.Models;

public partial class ModelTestPrompt : IDisposable
{
    [Inject] private ILogger<ModelTestPrompt> Logger { get; set; } = default!;

    private const int MaxOutputTokens = 128;
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The configured chat client; null when no chat model is configured.</summary>
    [Parameter] public IChatClient? Chat { get; set; }

    /// <summary>Whose request it is, for the scheduler's fairness between users.</summary>
    [Parameter] public string? User { get; set; }

    private readonly StringBuilder _reply = new();
    private CancellationTokenSource? _cancel;
    private string? _prompt;
    private string? _error;
    private bool _running;
    private TimeSpan? _firstToken;
    private TimeSpan _elapsed;
    private int _outputTokens;

    /// <summary>Tokens after the first one divided by the time they took: the decode speed, apart from the prompt.</summary>
    private double TokensPerSecond
    {
        get
        {
            var generating = _elapsed - (_firstToken ?? TimeSpan.Zero);
            return _outputTokens > 1 && generating > TimeSpan.Zero ? (_outputTokens - 1) / generating.TotalSeconds : 0;
        }
    }

    private async Task SendAsync()
    {
        if (Chat is null || _running || string.IsNullOrWhiteSpace(_prompt)) return;
        _running = true;
        _error = null;
        _reply.Clear();
        _firstToken = null;
        _outputTokens = 0;
        _cancel = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var lastRender = TimeSpan.Zero;
        var counted = 0;
        try
        {
            var options = new ChatOptions { MaxOutputTokens = MaxOutputTokens };
            if (User is not null) options.AdditionalProperties = new AdditionalPropertiesDictionary { [ChatScheduling.UserKey] = User };
            await foreach (var update in Chat.GetStreamingResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, _prompt)], options, _cancel.Token))
            {
                if (update.Text is { Length: > 0 } text)
                {
                    _firstToken ??= clock.Elapsed;
                    _reply.Append(text);
                    counted++;
                }

                if (update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details.OutputTokenCount is { } reported)
                    _outputTokens = (int)reported;
                else _outputTokens = Math.Max(_outputTokens, counted);
                _elapsed = clock.Elapsed;
                if (clock.Elapsed - lastRender >= RenderInterval)
                {
                    lastRender = clock.Elapsed;
                    StateHasChanged();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the admin or the page closed: keep what came.
        }
        catch (InferenceBusyException busy)
        {
            _error = L["Models_TestBusy", busy.RetryAfterSeconds];
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "The test prompt failed");
            _error = L["Models_TestFailed", e.Message];
        }
        finally
        {
            _elapsed = clock.Elapsed;
            _running = false;
            _cancel?.Dispose();
            _cancel = null;
        }
    }

    private void Stop() => _cancel?.Cancel();

    public void Dispose()
    {
        try
        {
            _cancel?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
