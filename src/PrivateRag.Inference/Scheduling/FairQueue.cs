namespace PrivateRag.Inference.Scheduling;

/// <summary>
/// Waiting items per user, taken round-robin between users and first-in-first-out within one user's items.
/// Not thread-safe: the scheduler holds its lock around every call.
/// </summary>
internal sealed class FairQueue<T>
    where T : class
{
    private readonly Dictionary<string, List<T>> _byUser = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new(); // users with waiting items; the first one is served next

    public int Count { get; private set; }

    public void Enqueue(string user, T item)
    {
        if (!_byUser.TryGetValue(user, out var items))
        {
            _byUser[user] = items = [];
            _turns.AddLast(user);
        }

        items.Add(item);
        Count++;
    }

    public bool TryDequeue(out T item)
    {
        if (_turns.First is not { } turn)
        {
            item = null!;
            return false;
        }

        var items = _byUser[turn.Value];
        item = items[0];
        items.RemoveAt(0);
        Count--;
        _turns.RemoveFirst();
        if (items.Count > 0) _turns.AddLast(turn.Value); // this user's next item waits for everyone else's turn
        else _byUser.Remove(turn.Value);
        return true;
    }

    public bool Remove(string user, T item)
    {
        if (!_byUser.TryGetValue(user, out var items) || !items.Remove(item)) return false;
        Count--;
        if (items.Count == 0)
        {
            _byUser.Remove(user);
            _turns.Remove(user);
        }

        return true;
    }

    /// <summary>Every waiting item in the order it will be taken.</summary>
    public IEnumerable<T> InServiceOrder()
    {
        var users = _turns.Select(u => _byUser[u]).ToList();
        for (var round = 0; ; round++)
        {
            var any = false;
            foreach (var items in users)
            {
                if (items.Count <= round) continue;
                any = true;
                yield return items[round];
            }

            if (!any) yield break;
        }
    }
}
