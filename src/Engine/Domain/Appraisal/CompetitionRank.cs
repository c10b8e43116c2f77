namespace PointsEngine.Domain.Appraisal;

/// Standard competition ranking (1-2-2-4) of a set of scores: a place is one more than the number of scores strictly
/// higher. The one rule for a place wherever a place is printed (#21).
public sealed class CompetitionRank
{
    private readonly decimal[] _ascending;

    public CompetitionRank(IEnumerable<decimal> scores)
    {
        _ascending = [.. scores];
        Array.Sort(_ascending);
    }

    /// How many scores are ranked.
    public int Count => _ascending.Length;

    /// The place of <paramref name="score"/>: one more than the number of scores strictly higher.
    public int Of(decimal score) => 1 + _ascending.Length - Bound(score, inclusive: true);

    /// Whether another of the scores equals <paramref name="score"/> (which is one of them), so the place is shared.
    public bool IsShared(decimal score) => Bound(score, inclusive: true) - Bound(score, inclusive: false) > 1;

    // The number of scores below score (inclusive: at or below it).
    private int Bound(decimal score, bool inclusive)
    {
        int lo = 0, hi = _ascending.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_ascending[mid] < score || (inclusive && _ascending[mid] == score)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
