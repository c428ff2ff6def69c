using System.Net.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;
using MudBlazor;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Inference;
using PrivateRag.Inference.Inventory;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components;
using PrivateRag.Web.Components.Account;
using PrivateRag.Web.Components.Admin.Analytics;
using PrivateRag.Web.Components.Admin.Audit;
using PrivateRag.Web.Components.Admin.Collections;
using PrivateRag.Web.Components.Admin.Evaluation;
using PrivateRag.Web.Components.Admin.Explain;
using PrivateRag.Web.Components.Admin.Models;
using PrivateRag.Web.Components.Admin.Widget;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Layout;
using PrivateRag.Web.Components.Shared;
using PrivateRag.Web.Components.Sources;
using PrivateRag.Web.Components.Widget;
using PrivateRag.Web.Resources;
using static Microsoft.AspNetCore.Components.Web.RenderMode;

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
