namespace PrivateRag.Core.Retrieval;

/// <summary>
/// A cross-encoder that reads the query and each passage together and scores how well the passage answers it (higher
/// is more relevant). It only re-orders passages retrieval already found inside the permission filter, so it never
/// sees a passage the caller may not read.
/// </summary>
public interface IPassageReranker
{
    /// <summary>One score per passage, in the order given.</summary>
    Task<IReadOnlyList<float>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken ct = default);
}
