using System.Text;

namespace PrivateRag.Inference.Local;

/// <summary>Counts tokens with a local model's own tokenizer (loads the weights on first use).</summary>
internal sealed class LocalTokenizer(LocalModel model) : ITokenizer
{
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return 0;
        return model.GetWeights().Tokenize(text, add_bos: false, special: false, Encoding.UTF8).Length;
    }
}
