using Microsoft.AspNetCore.Components;
using PrivateRag.Inference.Catalog;

namespace PrivateRag.Web.Components.Admin.Models;

public partial class ModelCatalogTable
{
    [Parameter, EditorRequired] public ModelDownloads Downloads { get; set; } = null!;

    private string ProgressText(ModelDownloadState state)
    {
        var done = ModelText.Bytes(state.Bytes, L.Culture);
        var speed = ModelText.BytesPerSecond(state.BytesPerSecond, L.Culture);
        return state is { TotalBytes: { } total, Percent: { } percent }
            ? L["Models_ProgressOf", done, ModelText.Bytes(total, L.Culture), percent.ToString("0.0", L.Culture), speed]
            : L["Models_ProgressBytes", done, speed];
    }
}
