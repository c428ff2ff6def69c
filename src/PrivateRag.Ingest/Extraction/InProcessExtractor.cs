using System.Globalization;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Extraction;

/// <summary>
/// Runs the reader on a thread pool thread of this process. The time limit is cooperative (readers check the token
/// between pages and blocks), so a parser stuck inside one page finishes that page first.
/// </summary>
public sealed class InProcessExtractor(DocumentReaderRegistry readers, IOptions<IngestionOptions> options) : IDocumentExtractor
{
    public async Task<ExtractedDocument> ExtractAsync(string fileName, Stream content, ReadLimits limits, CancellationToken ct)
    {
        var reader = readers.For(fileName);
        var limit = options.Value.ExtractionTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            return await Task.Run(() => reader.Read(content, limits, timeout.Token), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut(limit);
        }
    }

    internal static DocumentRejectedException TimedOut(TimeSpan limit) => new(RejectReason.TimedOut, string.Create(CultureInfo.InvariantCulture,
        $"Extracting the text took longer than the limit of {limit.TotalSeconds:0.#} s (Ingestion:ExtractionTimeout); the parser was stopped."));
}
