using System.Text;

namespace PrivateRag.Inference.Local;

/// <summary>
/// Finds stop strings in streamed text. Text that could be the start of a stop string is held back until it is known
/// not to be one, so a stop string is never partly emitted.
/// </summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stopSequences)
{
    private readonly string[] _stops = stopSequences.Where(s => !string.IsNullOrEmpty(s)).Distinct().ToArray();
    private readonly StringBuilder _pending = new();

    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns the text that is now safe to emit.</summary>
    public string Append(string text)
    {
        if (Stopped) return "";
        if (_stops.Length == 0) return text;

        _pending.Append(text);
        var pending = _pending.ToString();

        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var index = pending.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (stopAt < 0 || index < stopAt)) stopAt = index;
        }

        if (stopAt >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..stopAt];
        }

        var hold = HeldBackLength(pending);
        _pending.Clear().Append(pending, pending.Length - hold, hold);
        return pending[..^hold];
    }

    /// <summary>Returns any held-back text once generation has ended without a stop string.</summary>
    public string Flush()
    {
        if (Stopped) return "";
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    private int HeldBackLength(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
