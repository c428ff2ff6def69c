namespace PrivateRag.Core.Evaluation;

/// <summary>
/// The standard ranking metrics over one query's ranked list of gains (the grade of what sits at each position,
/// 0 when not relevant), as trec_eval / pytrec_eval compute them (linear gain, log2 discount).
/// </summary>
public static class RankingMetrics
{
    /// <summary>nDCG@k: DCG of the first k positions over the DCG of the ideal ordering of all relevant grades.</summary>
    public static double Ndcg(IReadOnlyList<int> gains, IReadOnlyList<int> relevantGrades, int k)
    {
        ArgumentNullException.ThrowIfNull(gains);
        ArgumentNullException.ThrowIfNull(relevantGrades);
        var ideal = Dcg(relevantGrades.Where(g => g > 0).OrderByDescending(g => g).ToList(), k);
        return ideal > 0 ? Dcg(gains, k) / ideal : 0;
    }

    /// <summary>Recall@k: the share of the relevant targets found in the first k positions.</summary>
    public static double Recall(IReadOnlyList<int> gains, int relevantCount, int k)
    {
        ArgumentNullException.ThrowIfNull(gains);
        if (relevantCount <= 0) return 0;
        var found = 0;
        for (var i = 0; i < Math.Min(k, gains.Count); i++)
        {
            if (gains[i] > 0) found++;
        }
        return (double)Math.Min(found, relevantCount) / relevantCount;
    }

    /// <summary>MRR@k: 1 / the position of the first relevant target when it is within k, else 0.</summary>
    public static double ReciprocalRank(IReadOnlyList<int> gains, int k)
    {
        ArgumentNullException.ThrowIfNull(gains);
        for (var i = 0; i < Math.Min(k, gains.Count); i++)
        {
            if (gains[i] > 0) return 1.0 / (i + 1);
        }
        return 0;
    }

    /// <summary>The p-th percentile (0..100) by linear interpolation between closest ranks; 0 for no values.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var position = Math.Clamp(p, 0, 100) / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    private static double Dcg(IReadOnlyList<int> gains, int k)
    {
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, gains.Count); i++)
        {
            if (gains[i] > 0) dcg += gains[i] / Math.Log2(i + 2);
        }
        return dcg;
    }
}
