using System.Globalization;
using System.Text;
using PrivateRag.Core.Answering;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Chat;

/// <summary>One question and its answer as the chat page shows it; the answer grows while it streams.</summary>
public sealed class ChatExchange(string question)
{
    private readonly StringBuilder _answer = new();
    private string? _html;
    private int _htmlLength = -1;

    public string Question { get; } = question;
    public string Answer => _answer.ToString();
    public IReadOnlyList<Citation> Citations { get; set; } = [];
    public string? Mode { get; set; }
    public Guid? MessageId { get; set; }
    public bool IsStreaming { get; set; }

    /// <summary>While waiting for the model: how many requests will start before this one (null: not waiting).</summary>
    public int? QueueAhead { get; set; }
    public bool Stopped { get; set; }
    public bool NotFound { get; set; }
    public string? Error { get; set; }
    public int? Feedback { get; set; }
    public string? FeedbackComment { get; set; }

    /// <summary>True once the optional comment was sent; the comment box closes.</summary>
    public bool CommentSent { get; set; }

    public bool IsExtractive => Mode == ExtractiveAnswerer.Mode;

    public void Append(string text) => _answer.Append(text);

    public void ReplaceAnswer(string text)
    {
        _answer.Clear();
        _answer.Append(text);
        _htmlLength = -1;
    }

    /// <summary>The answer as safe HTML; re-rendered only when the text or the citations changed.</summary>
    public string AnswerHtml
    {
        get
        {
            if (_html is null || _htmlLength != _answer.Length)
            {
                var known = Citations.Count == 0 ? null : Citations.Select(c => c.N).ToHashSet();
                _html = SafeMarkdown.ToHtml(Answer, known);
                _htmlLength = _answer.Length;
            }
            return _html;
        }
    }

    /// <summary>Drops the cached HTML, for instance when citations arrive and markers must be checked against them.</summary>
    public void Invalidate() => _htmlLength = -1;

    public Citation? FindCitation(int n) => Citations.FirstOrDefault(c => c.N == n);

    /// <summary>Rebuilds the exchanges of a stored conversation (each user turn followed by its answer).</summary>
    public static List<ChatExchange> FromHistory(IEnumerable<ConversationMessage> messages)
    {
        var exchanges = new List<ChatExchange>();
        ChatExchange? current = null;
        foreach (var m in messages)
        {
            if (m.Role == PrivateRag.Core.Answering.TurnRole.User)
            {
                current = new ChatExchange(m.Text);
                exchanges.Add(current);
                continue;
            }
            current ??= AddOrphan(exchanges);
            current.ReplaceAnswer(m.Text);
            current.Citations = m.Citations;
            current.Mode = m.Mode;
            current.MessageId = m.Id;
            current.Feedback = m.Feedback;
            current.CommentSent = m.Feedback is not null;
            current = null;
        }
        return exchanges;
    }

    private static ChatExchange AddOrphan(List<ChatExchange> exchanges)
    {
        var orphan = new ChatExchange("");
        exchanges.Add(orphan);
        return orphan;
    }
}

/// <summary>A thumb (+1 or -1) and, when the person wrote one, a comment.</summary>
public sealed record FeedbackChoice(int Rating, string? Comment = null);

/// <summary>How a citation is named in chips and the source panel.</summary>
public static class CitationText
{
    public static string Pages(Citation c, PrivateRag.Web.Resources.UiText? text = null) => Pages(c.Page, c.PageEnd, text);

    public static string Pages(int page, int pageEnd, PrivateRag.Web.Resources.UiText? text = null)
    {
        var t = text ?? PrivateRag.Web.Resources.UiText.Default;
        return page <= 0 ? ""
            : pageEnd > page ? t["PageRange", page, pageEnd]
            : t["PageOne", page];
    }

    public static string Label(Citation c, PrivateRag.Web.Resources.UiText? text = null)
    {
        var pages = Pages(c, text);
        return pages.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{c.N} · {c.DocumentName}")
            : string.Create(CultureInfo.InvariantCulture, $"{c.N} · {c.DocumentName} {pages}");
    }
}
