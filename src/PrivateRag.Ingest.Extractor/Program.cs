using PrivateRag.Ingest.Extraction;

// Parses one untrusted file named on the command line and writes its text as JSON to stdout; started by
// ChildProcessExtractor so that a parser crash, hang or runaway allocation ends only this process.
return await ExtractionChild.RunAsync(args);
