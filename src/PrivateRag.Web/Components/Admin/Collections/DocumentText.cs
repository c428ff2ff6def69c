using MudBlazor;
using PrivateRag.Core.Documents;
using PrivateRag.Web.Resources;

namespace PrivateRag.Web.Components.Admin.Collections;

/// <summary>How the collection pages name a document's status, stage and size.</summary>
public static class DocumentText
{
    /// <summary>The ingestion stages in order, as <see cref="DocumentInfo.Stage"/> names them.</summary>
    private static readonly string[] Stages = ["extract", "chunk", "embed", "index"];

    /// <summary>The status words of the HTTP API: queued, processing, indexed, failed.</summary>
    public static string StatusText(DocumentStatus status) => status switch
    {
        DocumentStatus.Queued => "queued",
        DocumentStatus.Processing => "processing",
        DocumentStatus.Indexed => "indexed",
        DocumentStatus.Failed => "failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static Color StatusColor(DocumentStatus status) => status switch
    {
        DocumentStatus.Indexed => Color.Success,
        DocumentStatus.Failed => Color.Error,
        DocumentStatus.Processing => Color.Info,
        _ => Color.Default,
    };

    public static string FileSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024d * 1024 * 1024):0.#} GB",
        >= 1024L * 1024 => $"{bytes / (1024d * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024d:0.#} KB",
        _ => $"{bytes} B",
    };

    /// <summary>"Embedding · step 3 of 4 · 40 %": which of extract, chunk, embed, index, and how far.</summary>
    public static string StageLabel(DocumentInfo d, UiText text)
    {
        if (d.Stage is not { } stage) return text["Starting"];
        var step = Array.IndexOf(Stages, stage) + 1;
        var name = text["Stage_" + stage].ResourceNotFound ? stage : text["Stage_" + stage].Value;
        return step > 0
            ? text["StageProgress", name, step, Stages.Length, (int)Math.Round(Math.Clamp(d.Progress, 0, 1) * 100)]
            : name;
    }

    /// <summary>Why a document failed, as stored: the reason's words and the message.</summary>
    public static string Failure(DocumentInfo d, UiText text) =>
        $"{text["Reject_" + d.FailureReason]}{(string.IsNullOrWhiteSpace(d.Error) ? "" : ": " + d.Error)}";
}
