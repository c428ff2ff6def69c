using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Answering;

namespace PrivateRag.Web.Components.Chat;

public partial class ChatThread
{
    private ElementReference _element;

    [Parameter, EditorRequired] public IReadOnlyList<ChatExchange> Exchanges { get; set; } = [];

    /// <summary>False until the page has loaded: no empty state before that.</summary>
    [Parameter] public bool Loaded { get; set; }

    /// <summary>The address names a conversation that does not exist or is not the person's.</summary>
    [Parameter] public bool MissingConversation { get; set; }

    [Parameter] public bool HasCollections { get; set; }

    /// <summary>Admins are pointed to the collections page when there is nothing to ask about.</summary>
    [Parameter] public bool IsAdmin { get; set; }

    /// <summary>True while an answer streams (no Regenerate meanwhile).</summary>
    [Parameter] public bool Answering { get; set; }

    [Parameter] public Citation? ActiveCitation { get; set; }

    [Parameter] public EventCallback OnNewConversation { get; set; }

    [Parameter] public EventCallback<Citation> OnCitation { get; set; }

    [Parameter] public EventCallback<ExchangeFeedback> OnFeedback { get; set; }

    [Parameter] public EventCallback<ChatExchange> OnCopy { get; set; }

    [Parameter] public EventCallback<ChatExchange> OnRegenerate { get; set; }

    /// <summary>The scrolling message list, for the page's script (scroll to the end, inline <c>[n]</c> markers).</summary>
    public ElementReference Element => _element;
}

/// <summary>A thumb (and maybe a comment) given to one exchange.</summary>
public sealed record ExchangeFeedback(ChatExchange Exchange, FeedbackChoice Choice);
