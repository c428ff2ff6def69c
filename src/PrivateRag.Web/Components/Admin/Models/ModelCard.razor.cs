using Microsoft.AspNetCore.Components;
using PrivateRag.Inference;
using PrivateRag.Inference.Inventory;

namespace PrivateRag.Web.Components.Admin.Models;

public partial class ModelCard
{
    [Parameter, EditorRequired] public ModelReport Report { get; set; } = null!;

    private string Title => L["Models_Capability_" + Report.Capability];

    /// <summary>off | loaded | idle | unused: also a CSS and test hook.</summary>
    private string State =>
        !Report.IsConfigured ? "off"
        : !Report.IsServed ? "unused"
        : Report.IsLoaded ? "loaded"
        : "idle";

    private string StateText => State switch
    {
        "off" => L["Models_StateOff"],
        "unused" => L["Models_StateUnused"],
        "loaded" => Report.Source == ModelSource.Remote ? L["Models_StateReachable"] : L["Models_StateLoaded"],
        _ => Report.Source == ModelSource.Remote ? L["Models_StateRemoteIdle"] : L["Models_StateIdle"],
    };

    private string NotConfiguredText => L["Models_NotConfigured_" + Report.Capability];

    private string GpuLayersText => Report.GpuLayers switch
    {
        0 => L["Models_GpuNone"],
        -1 => L["Models_GpuAll"],
        var n => n.ToString(L.Culture),
    };

    private string MemoryText
    {
        get
        {
            var kv = Report.KvCacheBytes is { } bytes ? ModelText.Bytes(bytes, L.Culture) : L["Models_Unknown"].Value;
            return Report.Loaded is { } loaded
                ? L["Models_MemoryLoaded", ModelText.Bytes((long)loaded.SizeBytes, L.Culture), kv, ModelText.Bytes(Report.MemoryBytes, L.Culture)]
                : L["Models_MemoryFile", ModelText.Bytes(Report.FileBytes, L.Culture), kv, ModelText.Bytes(Report.MemoryBytes, L.Culture)];
        }
    }
}
