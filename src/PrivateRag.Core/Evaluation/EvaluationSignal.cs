using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PrivateRag.Core.Evaluation;

/// <summary>
/// Wakes the evaluation worker when a run is queued (the runs themselves wait in the store), and holds the
/// cancellation of the run in progress so an admin can stop it.
/// </summary>
public sealed class EvaluationSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public void Notify() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Notify"/> or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>A token that ends when the app stops or when <see cref="Cancel"/> is called for this run.</summary>
    internal CancellationTokenSource Track(Guid runId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[runId] = source;
        return source;
    }

    internal void Untrack(Guid runId) => _running.TryRemove(runId, out _);

    /// <summary>True when the run was in progress in this process and is now being stopped.</summary>
    public bool Cancel(Guid runId)
    {
        if (!_running.TryGetValue(runId, out var source)) return false;
        try
        {
            source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
