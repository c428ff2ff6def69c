using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Components.Chat;
using PrivateRag.Web.Components.Sources;

namespace PrivateRag.Web.Components.Widget;

public partial class EmbedMessage
{
    [Parameter, EditorRequired] public ChatExchange Message { get; set; } = default!;

    [Parameter] public int Index { get; set; }

    /// <summary>The conversation, so the source page can lead on to it in the app.</summary>
    [Parameter] public Guid? ConversationId { get; set; }

    private string SourceUrl(Citation c) => SourceView.Link(c, ConversationId);
}
