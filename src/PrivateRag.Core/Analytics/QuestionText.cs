using System.Text;

namespace PrivateRag.Core.Analytics;

/// <summary>Makes the same question asked with different case, spacing or closing punctuation one question.</summary>
public static class QuestionText
{
    public static string Normalise(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var text = new StringBuilder(question.Length);
        var space = false;
        foreach (var ch in question.Trim())
        {
            if (char.IsWhiteSpace(ch))
            {
                space = true;
                continue;
            }
            if (space && text.Length > 0) text.Append(' ');
            space = false;
            text.Append(char.ToLowerInvariant(ch));
        }
        return text.ToString().TrimEnd('?', '!', '.', '？', '！', '。', ' ');
    }
}
