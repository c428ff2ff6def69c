namespace PrivateRag.Inference.Scheduling;

/// <summary>
/// Keys of <c>ChatOptions.AdditionalProperties</c> that the local chat client's scheduler reads.
/// </summary>
public static class ChatScheduling
{
    /// <summary>
    /// Who the request is for (a string: user id, API key name). Waiting requests are served round-robin between
    /// users, so one user's burst does not starve the others. Absent: all such requests share one anonymous user.
    /// </summary>
    public const string UserKey = "user";

    /// <summary>
    /// An <see cref="IProgress{T}"/> of <see cref="QueuePosition"/>: told while the request waits how many requests
    /// will start before it (0 = next), and once more with <see cref="QueuePosition.Started"/> when it starts.
    /// </summary>
    public const string QueueProgressKey = "queue_progress";
}

/// <summary>Where a waiting request stands.</summary>
/// <param name="RequestsAhead">Requests that will start before this one (0 = next; 0 too once started).</param>
/// <param name="Started">True once the request has a sequence and generation has begun.</param>
public readonly record struct QueuePosition(int RequestsAhead, bool Started);

/// <summary>A snapshot of the chat scheduler, for health checks, metrics and tests.</summary>
public interface IChatSchedulerStatus
{
    /// <summary>Requests holding a sequence (prompt processing or generating).</summary>
    int Active { get; }

    /// <summary>Requests waiting for a sequence.</summary>
    int Queued { get; }

    int MaxConcurrent { get; }

    int MaxQueue { get; }
}
