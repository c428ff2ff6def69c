namespace PrivateRag.Web.Components.Shared;

/// <summary>
/// A component's "look again every so often" loop: each tick runs on the component's dispatcher (pass its
/// <c>InvokeAsync</c>) and says whether to go on; the loop ends by itself when a tick says no, can be started again
/// later, and stops for good when the component is disposed. One place for what the models, collection and
/// evaluation pages and the chat's queue watch each used to write out: the timer, the dispatch and the cancellation
/// that must not throw when the page closes mid-tick.
/// </summary>
public sealed class RefreshLoop(Func<Func<Task>, Task> dispatch, Func<Task<bool>> tick) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private bool _disposed;

    /// <summary>True while the loop waits for or runs a tick.</summary>
    public bool IsRunning => _running is { IsCompleted: false };

    /// <summary>Starts ticking every <paramref name="interval"/> unless the loop already runs or was disposed.</summary>
    public void Start(TimeSpan interval)
    {
        if (_disposed || IsRunning) return;
        _running = RunAsync(interval, _stop.Token);
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(ct))
            {
                var again = false;
                await dispatch(async () => again = !ct.IsCancellationRequested && await tick());
                if (!again) break;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the page was closed or the work it watched is over.
        }
        catch (ObjectDisposedException)
        {
            // The component's services went with its circuit.
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _stop.Dispose();
    }
}
