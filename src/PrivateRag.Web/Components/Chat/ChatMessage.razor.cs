using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Answering;

namespace PrivateRag.Web.Components.Chat;

public partial class ChatMessage
{
    private string _comment = "";

    [Parameter, EditorRequired] public ChatExchange Message { get; set; } = default!;

    /// <summary>Position in the conversation; lets inline <c>[n]</c> markers find their answer.</summary>
    [Parameter] public int Index { get; set; }

    [Parameter] public Citation? ActiveCitation { get; set; }

    [Parameter] public bool CanRegenerate { get; set; }

    [Parameter] public EventCallback<Citation> OnCitation { get; set; }

    /// <summary>+1 (helpful) or -1 (not helpful), with an optional comment.</summary>
    [Parameter] public EventCallback<FeedbackChoice> OnFeedback { get; set; }

    [Parameter] public EventCallback OnCopy { get; set; }

    [Parameter] public EventCallback OnRegenerate { get; set; }

}
