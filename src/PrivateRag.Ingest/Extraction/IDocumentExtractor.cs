using PrivateRag.Ingest.Readers;

namespace PrivateRag.Ingest.Extraction;

/// <summary>Where parsers run: <c>Ingestion:Isolation</c>.</summary>
public enum ExtractionIsolation
{
    /// <summary>Each untrusted file is parsed in a short-lived child process with a time and memory limit (default).</summary>
    Process,

    /// <summary>Parsers run inside the worker process: faster, but a stack overflow in a parser ends the process.</summary>
    InProcess,
}

/// <summary>Turns a stored file into text blocks, within the limits; the pipeline does not know where parsing runs.</summary>
public interface IDocumentExtractor
{
    /// <exception cref="DocumentRejectedException">For every known failure, including crashes and time-outs of the parser.</exception>
    Task<ExtractedDocument> ExtractAsync(string fileName, Stream content, ReadLimits limits, CancellationToken ct);
}
