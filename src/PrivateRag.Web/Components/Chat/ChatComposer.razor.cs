using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace PrivateRag.Web.Components.Chat;

public partial class ChatComposer
{
    /// <summary>The question being typed (the page keeps it: a reload restores it from session storage).</summary>
    [Parameter] public string Draft { get; set; } = "";

    [Parameter] public EventCallback<string> DraftChanged { get; set; }

    /// <summary>True while an answer streams: Stop instead of Send.</summary>
    [Parameter] public bool Answering { get; set; }

    [Parameter] public EventCallback OnSend { get; set; }

    [Parameter] public EventCallback OnStop { get; set; }

    private Task OnInputAsync(ChangeEventArgs e) => DraftChanged.InvokeAsync(e.Value as string ?? "");

    /// <summary>True for the Enter that sends: app.js keeps the browser from inserting its newline; Shift+Enter still makes one.</summary>
    public static bool IsSend(KeyboardEventArgs e) => e.Key == "Enter" && !e.ShiftKey && !e.CtrlKey && !e.AltKey && !e.IsComposing;

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (IsSend(e)) await OnSend.InvokeAsync();
    }
}
