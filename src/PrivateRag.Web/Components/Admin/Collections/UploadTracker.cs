using System.Text.Json.Serialization;
using PrivateRag.Core.Documents;

namespace PrivateRag.Web.Components.Admin.Collections;

/// <summary>Where one picked or dropped file is: in the browser, on its way, stored, or refused.</summary>
public enum UploadPhase { Waiting, Uploading, Stored, Duplicate, Refused, Failed }

/// <summary>A file the browser announced (uploads.js): its key, path inside a dropped folder, size and, if it is not sent, why.</summary>
public sealed record AnnouncedFile(
    [property: JsonPropertyName("k")] int Key,
    [property: JsonPropertyName("n")] string Name,
    [property: JsonPropertyName("s")] long Size,
    [property: JsonPropertyName("r")] string? Refused);

/// <summary>The upload API's answer for one file, or the browser's error (<see cref="Error"/> without an id).</summary>
public sealed record UploadedFile(
    [property: JsonPropertyName("k")] int Key,
    [property: JsonPropertyName("id")] Guid? Id,
    [property: JsonPropertyName("st")] string? Status,
    [property: JsonPropertyName("d")] bool Duplicate,
    [property: JsonPropertyName("e")] string? Error);

/// <summary>One file of a bulk upload: bytes sent, then the document's ingestion stage once it is stored.</summary>
public sealed class UploadItem(int key, string name, long size)
{
    public int Key { get; } = key;
    public string Name { get; } = name;
    public long Size { get; } = size;
    public long Sent { get; set; }
    public UploadPhase Phase { get; set; } = UploadPhase.Waiting;
    /// <summary>Why the file was not sent or not stored: "too-large", "unsupported", or the server's message.</summary>
    public string? Problem { get; set; }
    public Guid? DocumentId { get; set; }
    public DocumentInfo? Document { get; set; }

    public double UploadFraction => Size <= 0 ? (Phase >= UploadPhase.Stored ? 1 : 0) : Math.Clamp(Sent / (double)Size, 0, 1);

    /// <summary>The document is stored and still queued or processing (or not looked at yet).</summary>
    public bool Ingesting => Phase == UploadPhase.Stored && Document?.Status is null or DocumentStatus.Queued or DocumentStatus.Processing;
}

/// <summary>
/// The files of the bulk uploads on one collection page, in the order they were added, fed by the browser's reports
/// and by the documents' status from the store.
/// </summary>
public sealed class UploadTracker
{
    private readonly List<UploadItem> _items = [];
    private readonly Dictionary<int, UploadItem> _byKey = [];

    /// <summary>A read-only view (an <see cref="ICollection{T}"/>, as <c>Virtualize</c> wants).</summary>
    public System.Collections.ObjectModel.ReadOnlyCollection<UploadItem> Items => _items.AsReadOnly();

    public void Add(IEnumerable<AnnouncedFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var f in files)
        {
            if (_byKey.ContainsKey(f.Key)) continue;
            var item = new UploadItem(f.Key, f.Name, f.Size);
            if (f.Refused is { Length: > 0 } reason)
            {
                item.Phase = UploadPhase.Refused;
                item.Problem = reason;
            }
            _items.Add(item);
            _byKey[f.Key] = item;
        }
    }

    /// <summary>Bytes sent, as the browser reports them: key, bytes, key, bytes, …</summary>
    public void Progress(IReadOnlyList<long> keysAndBytes)
    {
        ArgumentNullException.ThrowIfNull(keysAndBytes);
        for (var i = 0; i + 1 < keysAndBytes.Count; i += 2)
        {
            if (!_byKey.TryGetValue((int)keysAndBytes[i], out var item) || item.Phase > UploadPhase.Uploading) continue;
            item.Sent = Math.Clamp(keysAndBytes[i + 1], 0, item.Size);
            item.Phase = UploadPhase.Uploading;
        }
    }

    public void Complete(IEnumerable<UploadedFile> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            if (!_byKey.TryGetValue(r.Key, out var item)) continue;
            item.Sent = item.Size;
            if (r.Id is not { } id)
            {
                item.Phase = UploadPhase.Failed;
                item.Problem = r.Error;
                continue;
            }
            item.DocumentId = id;
            item.Phase = r.Duplicate ? UploadPhase.Duplicate : UploadPhase.Stored;
        }
    }

    /// <summary>Documents whose ingestion the page still follows.</summary>
    public IReadOnlyCollection<Guid> Following =>
        _items.Where(i => i.Ingesting && i.DocumentId is not null).Select(i => i.DocumentId!.Value).Distinct().ToList();

    /// <summary>Documents to show the status of: stored ones and the existing documents of duplicates.</summary>
    public IReadOnlyCollection<Guid> Documents =>
        _items.Where(i => i.DocumentId is not null && (i.Ingesting || i.Document is null)).Select(i => i.DocumentId!.Value).Distinct().ToList();

    public void Apply(IEnumerable<DocumentInfo> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var byId = documents.ToDictionary(d => d.Id);
        foreach (var item in _items)
        {
            if (item.DocumentId is { } id && byId.TryGetValue(id, out var doc)) item.Document = doc;
        }
    }

    /// <summary>Anything still on its way or being ingested.</summary>
    public bool IsActive => _items.Any(i => i.Phase is UploadPhase.Waiting or UploadPhase.Uploading || i.Ingesting);

    public int Count(Func<UploadItem, bool> predicate) => _items.Count(predicate);

    public long TotalBytes => _items.Where(i => i.Phase != UploadPhase.Refused).Sum(i => i.Size);

    public long SentBytes => _items.Where(i => i.Phase != UploadPhase.Refused).Sum(i => i.Phase >= UploadPhase.Stored ? i.Size : i.Sent);

    /// <summary>Forgets the files that are done, keeping those still on their way.</summary>
    public void ClearFinished()
    {
        _items.RemoveAll(i => !(i.Phase is UploadPhase.Waiting or UploadPhase.Uploading || i.Ingesting));
        _byKey.Clear();
        foreach (var i in _items) _byKey[i.Key] = i;
    }
}
