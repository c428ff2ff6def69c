namespace PrivateRag.Core.Documents;

/// <summary>Wakes idle in-process workers when work is queued, so an upload starts at once rather than at the next poll.</summary>
public sealed class IngestionSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify(int count = 1) => _signal.Release(Math.Max(count, 1));

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _signal.WaitAsync(timeout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
