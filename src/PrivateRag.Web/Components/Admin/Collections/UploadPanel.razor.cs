using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateRag.Core.Documents;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class UploadPanel
{
    private ElementReference _root;

    /// <summary>The files of this page's uploads (the page feeds it from the browser's reports and the store).</summary>
    [Parameter, EditorRequired] public UploadTracker Uploads { get; set; } = default!;

    /// <summary>What may be uploaded: extensions and the size limit, also told to the browser.</summary>
    [Parameter, EditorRequired] public UploadOptions Options { get; set; } = default!;

    /// <summary>The finished files left the list.</summary>
    [Parameter] public EventCallback OnClear { get; set; }

    /// <summary>The element uploads.js attaches to (drop zone and pickers).</summary>
    public ElementReference Root => _root;

    private int Uploadable => Uploads.Count(i => i.Phase != UploadPhase.Refused);

    private Task ClearAsync()
    {
        Uploads.ClearFinished();
        return OnClear.InvokeAsync();
    }

    private sealed record UploadView(string Phase, string Label, double Value, Color Color, string Icon);

    /// <summary>One line for a file: upload bytes first, then (once stored) the document's ingestion stage.</summary>
    private UploadView Describe(UploadItem item) => item.Phase switch
    {
        UploadPhase.Waiting => new("waiting", L["UploadWaiting"], 0, Color.Default, Icons.Material.Outlined.HourglassTop),
        UploadPhase.Uploading => new("uploading", L["UploadingPercent", (int)(item.UploadFraction * 100)], item.UploadFraction, Color.Primary,
            Icons.Material.Outlined.CloudUpload),
        UploadPhase.Refused => new("refused", item.Problem switch
        {
            "too-large" => L["NotUploadedTooLarge", DocumentText.FileSize(Options.MaxFileBytes)],
            "unsupported" => L["NotUploadedUnsupported"],
            _ => item.Problem ?? L["UploadRefused"],
        }, 0, Color.Error, Icons.Material.Filled.Block),
        UploadPhase.Failed => new("failed", L["UploadFailed", item.Problem ?? L["UploadInterrupted"]], 0, Color.Error, Icons.Material.Filled.Error),
        UploadPhase.Duplicate => new("duplicate", L["UploadDuplicate"], 1, Color.Info, Icons.Material.Outlined.ContentCopy),
        _ => item.Document switch
        {
            null or { Status: DocumentStatus.Queued } => new("queued", L["UploadQueued"], 0, Color.Primary, Icons.Material.Outlined.Schedule),
            { Status: DocumentStatus.Processing } d => new("processing", DocumentText.StageLabel(d, L), Math.Clamp(d.Progress, 0, 1), Color.Primary,
                Icons.Material.Outlined.Sync),
            { Status: DocumentStatus.Indexed } d => new("indexed", L["UploadIndexed", d.Chunks], 1, Color.Success, Icons.Material.Filled.CheckCircle),
            var d => new("failed", DocumentText.Failure(d, L), 1, Color.Error, Icons.Material.Filled.Error),
        },
    };
}
