using System.Globalization;

namespace PrivateRag.Core.Evaluation;

/// <summary>Relevance judgements: for each query id, a grade per corpus id (see <see cref="QrelTarget"/>).</summary>
public sealed class Qrels(IReadOnlyDictionary<string, Dictionary<string, int>> judgements)
{
    public IReadOnlyDictionary<string, Dictionary<string, int>> Judgements { get; } = judgements;

    /// <summary>The targets judged relevant (grade &gt; 0) for a query; empty when the query has none.</summary>
    public IReadOnlyList<(QrelTarget Target, int Grade)> RelevantFor(string queryId) =>
        Judgements.TryGetValue(queryId, out var byCorpus)
            ? byCorpus.Where(p => p.Value > 0).Select(p => (QrelTarget.Parse(p.Key), p.Value)).ToList()
            : [];
}

/// <summary>
/// What a qrels corpus id names: a document, by its BEIR <c>_id</c> or its file name (with or without the
/// extension), or one 1-based page of it as <c>NAME#PAGE</c>.
/// </summary>
public sealed record QrelTarget(string CorpusId, string Name, int? Page)
{
    public static QrelTarget Parse(string corpusId)
    {
        ArgumentNullException.ThrowIfNull(corpusId);
        var hash = corpusId.LastIndexOf('#');
        if (hash > 0 && hash < corpusId.Length - 1
            && int.TryParse(corpusId.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1)
        {
            return new QrelTarget(corpusId, corpusId[..hash], page);
        }
        return new QrelTarget(corpusId, corpusId, null);
    }

    /// <summary>The names under which a document can be named by a qrels row.</summary>
    public static IEnumerable<string> NamesOf(string documentName, Guid documentId)
    {
        yield return documentName;
        var withoutExtension = Path.GetFileNameWithoutExtension(documentName);
        if (!string.IsNullOrEmpty(withoutExtension) && withoutExtension != documentName) yield return withoutExtension;
        yield return documentId.ToString();
    }

    /// <summary>True when a passage of that document covering pages <paramref name="pageStart"/>..<paramref name="pageEnd"/> satisfies this target.</summary>
    public bool IsMetBy(int pageStart, int pageEnd) => Page is not { } p || (pageStart <= p && p <= Math.Max(pageStart, pageEnd));
}
