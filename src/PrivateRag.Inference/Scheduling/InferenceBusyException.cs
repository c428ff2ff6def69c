namespace PrivateRag.Inference.Scheduling;

/// <summary>
/// The model is serving as many requests as it may and its queue is full: retry after <see cref="RetryAfter"/>.
/// HTTP callers turn it into 503 (or 429) with a <c>Retry-After</c> header.
/// </summary>
public sealed class InferenceBusyException : Exception
{
    public InferenceBusyException(TimeSpan retryAfter, int active, int queued)
        : base($"The chat model is busy ({active} generating, {queued} waiting, queue full); retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s.")
    {
        RetryAfter = retryAfter;
        Active = active;
        Queued = queued;
    }

    public InferenceBusyException()
        : this(TimeSpan.FromSeconds(5), 0, 0)
    {
    }

    public InferenceBusyException(string message)
        : base(message)
    {
        RetryAfter = TimeSpan.FromSeconds(5);
    }

    public InferenceBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
        RetryAfter = TimeSpan.FromSeconds(5);
    }

    /// <summary>An estimate of when a slot will be free: whole seconds, at least one.</summary>
    public TimeSpan RetryAfter { get; }

    public int Active { get; }

    public int Queued { get; }

    /// <summary>The value of a <c>Retry-After</c> header: whole seconds.</summary>
    public int RetryAfterSeconds => (int)Math.Max(1, Math.Ceiling(RetryAfter.TotalSeconds));
}
