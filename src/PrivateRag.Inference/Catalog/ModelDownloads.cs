using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PrivateRag.Inference.Catalog;

public enum ModelDownloadStatus
{
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>A snapshot of one download, for the admin page.</summary>
/// <param name="BytesPerSecond">Speed over the last few seconds; 0 when finished.</param>
/// <param name="Sha256">The file's SHA-256 once complete.</param>
/// <param name="Verified">The SHA-256 matched the catalogue's pinned hash.</param>
public sealed record ModelDownloadState(
    string Name,
    string Capability,
    string Destination,
    ModelDownloadStatus Status,
    long Bytes,
    long? TotalBytes,
    long ResumedFrom,
    double BytesPerSecond,
    string? Error,
    string? Sha256,
    bool Verified,
    bool AlreadyPresent,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>0-100, when the total size is known.</summary>
    public double? Percent => TotalBytes is > 0 and var total ? Math.Min(100, 100.0 * Bytes / total) : null;

    public bool IsActive => Status == ModelDownloadStatus.Running;
}

/// <summary>
/// Downloads catalogue models in the background with <see cref="ModelDownloader"/> (resume, checksum, atomic rename),
/// into the same folder rule as <c>privaterag models pull</c> (<see cref="ModelFiles"/>). Downloads belong to the app,
/// not to a browser circuit: they go on when the admin navigates away and stop with the app (a later start resumes the
/// part file). One download per destination file at a time; different files download side by side.
/// </summary>
/// <remarks>
/// A plain singleton: <see cref="ModelDownloadsShutdown"/> (a hosted service of its own, so the container creates and
/// disposes this object once) stops the downloads when the app stops.
/// </remarks>
public sealed class ModelDownloads : IDisposable
{
    /// <summary>The <see cref="HttpClient"/> name (from <see cref="IHttpClientFactory"/>) used for downloads.</summary>
    public const string HttpClientName = "PrivateRag.Inference.Downloads";

    private static readonly TimeSpan SpeedWindow = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Download> _byDestination = new(StringComparer.Ordinal);
    private bool _disposed;

    public ModelDownloads(HttpClient http, string directory, ILogger<ModelDownloads> logger, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _http = http;
        Directory = Path.GetFullPath(directory);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The folder downloads go into (<c>Models:DownloadDirectory</c>, default <see cref="ModelFiles.DefaultDirectory"/>).</summary>
    public string Directory { get; }

    /// <summary>Raised (on a pool thread) when a download starts, progresses, or ends.</summary>
    public event Action? Changed;

    /// <summary>Every download since the app started, newest first.</summary>
    public IReadOnlyList<ModelDownloadState> All
    {
        get
        {
            lock (_lock) return [.. _byDestination.Values.Select(d => d.Snapshot(_time)).OrderByDescending(s => s.StartedAt)];
        }
    }

    /// <summary>The latest download of a preset, if any.</summary>
    public ModelDownloadState? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the preset's file (and each companion file) is already in the download folder.</summary>
    public bool IsPresent(ModelPreset preset) =>
        File.Exists(DestinationOf(preset)) && ModelFiles.Companions(preset, Directory).All(c => File.Exists(c.Destination));

    public string DestinationOf(ModelPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return ModelFiles.Destination(Directory, preset.FileName);
    }

    /// <summary>Starts downloading a preset, or returns the download of the same file that is already running.</summary>
    public ModelDownloadState Start(ModelPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var destination = DestinationOf(preset);
        Download download;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_byDestination.TryGetValue(destination, out var existing) && existing.IsRunning) return existing.Snapshot(_time);
            download = new Download(preset, destination, _time.GetUtcNow(), CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            _byDestination[destination] = download;
        }

        _logger.LogInformation("Downloading model {Name} from {Url} to {Destination}", preset.Name, preset.Url, destination);
        _ = Task.Run(() => RunAsync(download));
        Notify();
        return download.Snapshot(_time);
    }

    /// <summary>Stops a running download of the preset; its part file stays, so starting again resumes.</summary>
    public bool Cancel(string name)
    {
        Download? running;
        lock (_lock)
        {
            running = _byDestination.Values.FirstOrDefault(d => d.IsRunning && string.Equals(d.Preset.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        if (running is null) return false;
        try
        {
            running.Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished between the look-up and the cancel.
        }

        return true;
    }

    private async Task RunAsync(Download download)
    {
        var preset = download.Preset;
        try
        {
            var progress = new Progress(download, _time, Notify);
            var downloader = new ModelDownloader(_http);
            var result = await downloader.DownloadAsync(
                preset.Url, download.Destination, preset.Sha256, preset.SizeBytes, progress, download.Cancellation.Token);
            // Companions (a vocabulary) are small: fetched after the model, the download is complete only with them.
            foreach (var (url, destination, sha256) in ModelFiles.Companions(preset, Directory))
                await downloader.DownloadAsync(url, destination, sha256, cancellationToken: download.Cancellation.Token);
            download.Complete(result, preset.Sha256 is not null, _time.GetUtcNow());
            _logger.LogInformation("Downloaded model {Name} to {Destination} ({Bytes} bytes, SHA-256 {Sha256})",
                preset.Name, result.Path, result.Bytes, result.Sha256);
        }
        catch (OperationCanceledException) when (download.Cancellation.IsCancellationRequested)
        {
            download.Fail(ModelDownloadStatus.Cancelled, null, _time.GetUtcNow());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = Explain(e, preset, Directory);
            download.Fail(ModelDownloadStatus.Failed, message, _time.GetUtcNow());
            _logger.LogWarning(e, "Downloading model {Name} from {Url} failed: {Message}", preset.Name, preset.Url, message);
        }
        finally
        {
            download.Cancellation.Dispose();
        }

        Notify();
    }

    /// <summary>An error an admin can act on: most often, that this server cannot reach the hub at all.</summary>
    internal static string Explain(Exception error, ModelPreset preset, string directory)
    {
        var host = preset.Url.Host;
        var manual = $"Download {preset.FileName} on a machine with internet access and copy it to {directory}, or pull it from a reachable mirror with 'privaterag models pull {preset.Name} --url URL --dir {directory}'.";
        return error switch
        {
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } } =>
                $"Cannot reach {host}: the name does not resolve, so this server probably has no internet access. {manual}",
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } =>
                $"Cannot reach {host}: the name does not resolve, so this server probably has no internet access. {manual}",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } e =>
                $"Cannot connect to {host} ({e.Message}): a firewall or proxy may block it. {manual}",
            HttpRequestException e => $"The download from {host} failed: {e.Message}. {manual}",
            TaskCanceledException or TimeoutException => $"Connecting to {host} timed out: this server probably cannot reach the internet. {manual}",
            ModelDownloadException e => e.Message.Replace("run the same command again to resume", "start the download again to resume", StringComparison.Ordinal),
            IOException or UnauthorizedAccessException => $"Cannot write to {directory}: {error.Message}",
            _ => $"The download failed: {error.Message}",
        };
    }

    private void Notify()
    {
        try
        {
            Changed?.Invoke();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "A download listener failed");
        }
    }

    /// <summary>Stops running downloads (the app is stopping); their part files are resumed by the next download.</summary>
    public void StopAll()
    {
        lock (_lock)
        {
            if (!_disposed) _stopping.Cancel();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _stopping.Cancel();
        }
        _stopping.Dispose();
    }

    /// <summary>One download's mutable state, guarded by its own lock.</summary>
    private sealed class Download(ModelPreset preset, string destination, DateTimeOffset startedAt, CancellationTokenSource cancellation)
    {
        private readonly Lock _lock = new();
        private readonly Queue<(long Timestamp, long Bytes)> _samples = new();
        private ModelDownloadStatus _status = ModelDownloadStatus.Running;
        private DownloadProgress _progress = new(0, preset.SizeBytes, 0);
        private DownloadResult? _result;
        private bool _verified;
        private string? _error;
        private DateTimeOffset? _finishedAt;

        public ModelPreset Preset { get; } = preset;

        public string Destination { get; } = destination;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public bool IsRunning { get { lock (_lock) return _status == ModelDownloadStatus.Running; } }

        public void Report(DownloadProgress progress, long timestamp)
        {
            lock (_lock)
            {
                _progress = progress;
                _samples.Enqueue((timestamp, progress.Bytes));
                while (_samples.Count > 64) _samples.Dequeue();
            }
        }

        public void Complete(DownloadResult result, bool verified, DateTimeOffset at)
        {
            lock (_lock)
            {
                _result = result;
                _verified = verified;
                _progress = new DownloadProgress(result.Bytes, result.Bytes, result.ResumedFrom);
                _status = ModelDownloadStatus.Completed;
                _finishedAt = at;
            }
        }

        public void Fail(ModelDownloadStatus status, string? error, DateTimeOffset at)
        {
            lock (_lock)
            {
                _status = status;
                _error = error;
                _finishedAt = at;
            }
        }

        public ModelDownloadState Snapshot(TimeProvider time)
        {
            lock (_lock)
            {
                return new ModelDownloadState(
                    Preset.Name, Preset.Capability, Destination, _status, _progress.Bytes, _progress.TotalBytes, _progress.ResumedFrom,
                    _status == ModelDownloadStatus.Running ? Speed(time) : 0, _error, _result?.Sha256, _verified,
                    _result?.AlreadyPresent ?? false, startedAt, _finishedAt);
            }
        }

        /// <summary>Bytes per second between the oldest sample within the window and the newest. Call under the lock.</summary>
        private double Speed(TimeProvider time)
        {
            if (_samples.Count < 2) return 0;
            var now = time.GetTimestamp();
            var newest = _samples.Last();
            var oldest = _samples.FirstOrDefault(s => time.GetElapsedTime(s.Timestamp, now) <= SpeedWindow);
            if (oldest == default || oldest.Timestamp == newest.Timestamp) return 0;
            var seconds = time.GetElapsedTime(oldest.Timestamp, newest.Timestamp).TotalSeconds;
            return seconds > 0 ? (newest.Bytes - oldest.Bytes) / seconds : 0;
        }
    }

    /// <summary>Records progress synchronously (no SynchronizationContext hop) and tells listeners.</summary>
    private sealed class Progress(Download download, TimeProvider time, Action changed) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            download.Report(value, time.GetTimestamp());
            changed();
        }
    }
}
