using PrivateRag.Inference.Scheduling;

namespace PrivateRag.Testing;

/// <summary>
/// A queue-progress listener (<see cref="ChatScheduling.QueueProgressKey"/>) that holds the local chat scheduler when
/// its request starts, until <see cref="Release"/>. The scheduler reports a start on its own thread, after giving the
/// request a sequence and before decoding anything, outside its lock: while held, that request provably occupies a
/// sequence and has produced nothing, and other requests can still be queued, cancelled and counted. Tests use it
/// instead of racing a long generation, which a fast machine finishes and a loaded one may not have started.
/// </summary>
public sealed class SchedulerGate : IProgress<QueuePosition>, IDisposable
{
    /// <summary>The longest the scheduler is held if a failing test never releases it (it then carries on).</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(2);

    private readonly ManualResetEventSlim _open = new(false);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the request has been given a sequence (the scheduler is then held).</summary>
    public Task Started => _started.Task;

    public void Report(QueuePosition value)
    {
        if (!value.Started) return;
        _started.TrySetResult();
        _open.Wait(MaxHold);
    }

    public void Release() => _open.Set();

    /// <summary>Releases the scheduler; the event is left to the finalizer, as the scheduler may still be waking from it.</summary>
    public void Dispose() => _open.Set();
}
