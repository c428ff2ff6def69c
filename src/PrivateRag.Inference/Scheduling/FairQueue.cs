namespace PrivateRag.Inference.Scheduling;

/// <summary>
/// Waiting items taken round-robin at two levels, first-in-first-out within one user's items. A user key
/// <c>LANE/USER</c> (the inference server's <c>key0/alice</c>: the API key, then the end user its caller names) waits in
/// the lane's turn and, inside the lane, in the user's: a caller that names many users still gets one lane's share, so
/// the client-supplied part cannot buy more turns. A key without <c>/</c> is a lane with one user.
/// Not thread-safe: the scheduler holds its lock around every call.
/// </summary>
internal sealed class FairQueue<T>
    where T : class
{
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new(); // lanes with waiting items; the first one is served next

    public int Count { get; private set; }

    public void Enqueue(string user, T item)
    {
        var (lane, member) = Split(user);
        if (!_lanes.TryGetValue(lane, out var waiting))
        {
            _lanes[lane] = waiting = new Lane();
            _turns.AddLast(lane);
        }

        waiting.Enqueue(member, item);
        Count++;
    }

    public bool TryDequeue(out T item)
    {
        if (_turns.First is not { } turn)
        {
            item = null!;
            return false;
        }

        var lane = _lanes[turn.Value];
        item = lane.Dequeue();
        Count--;
        _turns.RemoveFirst();
        if (lane.Count > 0) _turns.AddLast(turn.Value); // this lane's next item waits for every other lane's turn
        else _lanes.Remove(turn.Value);
        return true;
    }

    public bool Remove(string user, T item)
    {
        var (name, member) = Split(user);
        if (!_lanes.TryGetValue(name, out var lane) || !lane.Remove(member, item)) return false;
        Count--;
        if (lane.Count == 0)
        {
            _lanes.Remove(name);
            _turns.Remove(name);
        }

        return true;
    }

    /// <summary>Every waiting item in the order it will be taken.</summary>
    public IEnumerable<T> InServiceOrder()
    {
        var lanes = _turns.Select(l => _lanes[l].InServiceOrder().ToList()).ToList();
        for (var round = 0; ; round++)
        {
            var any = false;
            foreach (var items in lanes)
            {
                if (items.Count <= round) continue;
                any = true;
                yield return items[round];
            }

            if (!any) yield break;
        }
    }

    private static (string Lane, string Member) Split(string user)
    {
        var slash = user.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (user, "") : (user[..slash], user[(slash + 1)..]);
    }

    /// <summary>One lane: its users round-robin, each user's items in order.</summary>
    private sealed class Lane
    {
        private readonly Dictionary<string, List<T>> _byMember = new(StringComparer.Ordinal);
        private readonly LinkedList<string> _turns = new();

        public int Count { get; private set; }

        public void Enqueue(string member, T item)
        {
            if (!_byMember.TryGetValue(member, out var items))
            {
                _byMember[member] = items = [];
                _turns.AddLast(member);
            }

            items.Add(item);
            Count++;
        }

        public T Dequeue()
        {
            var turn = _turns.First!;
            var items = _byMember[turn.Value];
            var item = items[0];
            items.RemoveAt(0);
            Count--;
            _turns.RemoveFirst();
            if (items.Count > 0) _turns.AddLast(turn.Value);
            else _byMember.Remove(turn.Value);
            return item;
        }

        public bool Remove(string member, T item)
        {
            if (!_byMember.TryGetValue(member, out var items) || !items.Remove(item)) return false;
            Count--;
            if (items.Count == 0)
            {
                _byMember.Remove(member);
                _turns.Remove(member);
            }

            return true;
        }

        public IEnumerable<T> InServiceOrder()
        {
            var members = _turns.Select(m => _byMember[m]).ToList();
            for (var round = 0; ; round++)
            {
                var any = false;
                foreach (var items in members)
                {
                    if (items.Count <= round) continue;
                    any = true;
                    yield return items[round];
                }

                if (!any) yield break;
            }
        }
    }
}
