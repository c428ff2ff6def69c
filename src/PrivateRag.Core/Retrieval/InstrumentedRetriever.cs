using System.Diagnostics;
using PrivateRag.Core.Operations;

namespace PrivateRag.Core.Retrieval;

/// <summary>Times every retrieval and traces it, whichever retriever is configured.</summary>
public sealed class InstrumentedRetriever(IRetriever inner) : IRetriever
{
    public bool IsHybrid => inner.IsHybrid;

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken ct = default)
    {
        var mode = inner.IsHybrid ? "hybrid" : "lexical";
        using var activity = PrivateRagTelemetry.Traces.StartActivity("retrieve");
        activity?.SetTag("privaterag.retrieval.mode", mode);
        activity?.SetTag("privaterag.retrieval.collections", request.CollectionIds.Count);
        var started = Stopwatch.GetTimestamp();
        var results = await inner.SearchAsync(request, ct);
        PrivateRagTelemetry.RetrievalDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("mode", mode));
        activity?.SetTag("privaterag.retrieval.results", results.Count);
        return results;
    }
}
