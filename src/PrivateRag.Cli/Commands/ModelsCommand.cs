using System.CommandLine;
using System.Globalization;
using PrivateRag.Inference.Catalog;
using PrivateRag.Inference.Gguf;

namespace PrivateRag.Cli.Commands;

/// <summary><c>models list | pull NAME | inspect FILE.gguf</c>: the model catalogue, downloads and GGUF headers. Needs no data folder.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Recommended models: list them, download one, or inspect a GGUF file.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Pull());
        command.Subcommands.Add(Inspect());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the recommended chat, embedding and reranker models.") { GlobalOptions.Json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(GlobalOptions.Json))
            {
                CliOutput.WriteJson(ModelCatalog.All);
                return 0;
            }

            foreach (var group in ModelCatalog.All.GroupBy(p => p.Capability))
            {
                Console.WriteLine($"{group.Key}:");
                foreach (var p in group)
                {
                    var size = p.SizeBytes is { } bytes ? $"{bytes / 1e9:0.00} GB" : "size not pinned";
                    Console.WriteLine($"  {p.Name,-24} {size,-16} {p.Description}");
                    if (p.QueryPrefix is not null || p.DocumentPrefix is not null)
                        Console.WriteLine($"  {"",-24} query prefix '{p.QueryPrefix}', document prefix '{p.DocumentPrefix}'");
                    if (p.Pooling is not null)
                        Console.WriteLine($"  {"",-24} pooling {p.Pooling}{(p.Normalize is true ? ", L2-normalised" : "")}");
                }
            }

            Console.WriteLine();
            Console.WriteLine("Download one with: privaterag models pull NAME [--dir DIR]");
            return 0;
        });
        return command;
    }

    private static Command Pull()
    {
        var name = new Argument<string>("name") { Description = "A name from 'models list' (or any file name with --url)." };
        var dir = new Option<string>("--dir") { Description = "Folder to download into.", DefaultValueFactory = _ => ModelFiles.DefaultDirectory };
        var url = new Option<string?>("--url") { Description = "Download from this address instead of the catalogue's (a mirror)." };
        var sha = new Option<string?>("--sha256") { Description = "Expected SHA-256 (overrides the catalogue's)." };
        var command = new Command("pull", "Download a model: resumes an interrupted download, checks the SHA-256, then renames into place.")
        {
            name, dir, url, sha, GlobalOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var preset = ModelCatalog.Find(parse.GetValue(name)!);
            Uri? source = preset?.Url;
            if (parse.GetValue(url) is { } given)
            {
                if (!Uri.TryCreate(given, UriKind.Absolute, out source) || (source.Scheme != Uri.UriSchemeHttp && source.Scheme != Uri.UriSchemeHttps))
                {
                    await Console.Error.WriteLineAsync($"error: --url '{given}' is not an absolute http(s) address.");
                    return 1;
                }
            }

            if (source is null)
            {
                await Console.Error.WriteLineAsync($"error: '{parse.GetValue(name)}' is not in the catalogue (see 'privaterag models list'); give --url to download another file.");
                return 1;
            }

            var fileName = preset?.FileName ?? SafeFileName(parse.GetValue(name)!);
            var destination = ModelFiles.Destination(parse.GetValue(dir)!, fileName);
            var expected = parse.GetValue(sha) ?? preset?.Sha256;
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.UserAgent.ParseAdd("privaterag-models/1.0");
            try
            {
                await Console.Error.WriteLineAsync($"Downloading {source} -> {destination}");
                var downloader = new ModelDownloader(http);
                var result = await downloader.DownloadAsync(source, destination, expected, preset?.SizeBytes, new StderrProgress(), ct);
                await Console.Error.WriteLineAsync();
                // Files the model needs beside it (an ONNX embedder's vocabulary); with --url, from the mirror's folder.
                IReadOnlyList<(Uri Url, string Destination, string? Sha256)> companions = preset is null ? []
                    : ModelFiles.Companions(preset, parse.GetValue(dir)!, mirror: parse.GetValue(url) is null ? null : source);
                foreach (var (companionUrl, companionPath, companionSha) in companions)
                {
                    await Console.Error.WriteLineAsync($"Downloading {companionUrl} -> {companionPath}");
                    await downloader.DownloadAsync(companionUrl, companionPath, companionSha, cancellationToken: ct);
                }

                if (parse.GetValue(GlobalOptions.Json))
                {
                    CliOutput.WriteJson(new { path = result.Path, bytes = result.Bytes, sha256 = result.Sha256, verified = expected is not null, resumedFrom = result.ResumedFrom, alreadyPresent = result.AlreadyPresent });
                    return 0;
                }

                Console.WriteLine(result.AlreadyPresent ? $"Already present: {result.Path}" : $"Saved {result.Path} ({result.Bytes:N0} bytes)");
                Console.WriteLine(expected is null
                    ? $"SHA-256 {result.Sha256} (not verified: no checksum is pinned for this file; pass --sha256 to pin it)"
                    : $"SHA-256 {result.Sha256} (verified)");
                if (preset is not null) Console.WriteLine("Use it with: " + ModelFiles.ConfigurationHint(preset, result.Path));
                return 0;
            }
            catch (Exception e) when (e is ModelDownloadException or HttpRequestException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync();
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Inspect()
    {
        var file = new Argument<string>("file") { Description = "A .gguf model file." };
        var command = new Command("inspect", "Print a GGUF file's architecture, size, context, quantization and tokenizer facts.") { file, GlobalOptions.Json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            GgufModelInfo info;
            try
            {
                info = GgufModelInfo.Read(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {path}: {e.Message}");
                return 1;
            }

            if (parse.GetValue(GlobalOptions.Json))
            {
                CliOutput.WriteJson(info);
                return 0;
            }

            static string Or(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown";
            Console.WriteLine($"file            {info.File} ({info.FileBytes:N0} bytes, GGUF v{info.GgufVersion})");
            Console.WriteLine($"name            {info.Name ?? "(none)"}");
            Console.WriteLine($"architecture    {info.Architecture ?? "unknown"}");
            Console.WriteLine($"parameters      {info.Parameters:N0} ({info.ParametersShort})");
            Console.WriteLine($"context length  {Or(info.ContextLength)}");
            Console.WriteLine($"quantization    {info.Quantization}");
            Console.WriteLine($"embedding size  {Or(info.EmbeddingLength)}");
            Console.WriteLine($"layers          {Or(info.BlockCount)}");
            Console.WriteLine($"vocabulary      {Or(info.VocabularySize)}");
            Console.WriteLine($"chat template   {(info.HasChatTemplate ? "yes" : "no (ChatML is used)")}");
            if (info.PoolingType is not null) Console.WriteLine($"pooling         {info.PoolingType}");
            return 0;
        });
        return command;
    }

    private static string SafeFileName(string name)
    {
        var file = Path.GetFileName(name);
        if (string.IsNullOrWhiteSpace(file) || file.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{name}' is not a usable file name.");
        return file.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? file : file + ".gguf";
    }

    /// <summary>One progress line on stderr, rewritten in place.</summary>
    private sealed class StderrProgress : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            var done = value.Bytes / 1e6;
            var line = value.TotalBytes is > 0 and var total
                ? $"\r  {done:N1} / {total / 1e6:N1} MB ({100.0 * value.Bytes / total:0.0}%)"
                : $"\r  {done:N1} MB";
            if (value.ResumedFrom > 0) line += $", resumed at {value.ResumedFrom / 1e6:N1} MB";
            Console.Error.Write(line);
        }
    }
}
