using System.Globalization;
using System.Text.Json;

namespace PrivateRag.Benchmarks;

/// <summary>Minimal option parsing shared by the verbs: <c>--name value</c> pairs and bare flags.</summary>
public sealed class BenchmarkArgs(string[] args)
{
    public bool Json => Has("--json");

    public bool Has(string flag) => args.Contains(flag, StringComparer.OrdinalIgnoreCase);

    public string? Get(string name)
    {
        var i = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"{name} is required.");

    public int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<double> GetDoubles(string name, params double[] fallback) =>
        Get(name) is { } v ? v.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList() : fallback;

    public IReadOnlyList<int> GetInts(string name, params int[] fallback) =>
        Get(name) is { } v ? v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() : fallback;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
