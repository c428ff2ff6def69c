namespace PrivateRag.Inference;

/// <summary>Counts tokens as the chat model sees them, to fit prompts into its context window.</summary>
public interface ITokenizer
{
    /// <summary>Tokens in <paramref name="text"/>, without the beginning-of-sequence token.</summary>
    int CountTokens(string text);
}
