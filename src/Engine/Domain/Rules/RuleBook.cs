using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

/// Every published rule set, ordered by effective date. A fact is scored by the rule set in force
/// on its occurrence date (law 5), whenever it is recorded.
public sealed class RuleBook
{
    private readonly RuleSet[] _sets; // ascending EffectiveFrom, unique

    public static readonly RuleBook Empty = new([]);

    private RuleBook(RuleSet[] sets) => _sets = sets;

    public static RuleBook Of(params IEnumerable<RuleSet> sets) =>
        sets.Aggregate(Empty, (book, set) => book.With(set));

    public IReadOnlyList<RuleSet> Sets => _sets;

    /// Publishing a set with the same version or the same effective date replaces the earlier one
    /// (a corrected re-publication); otherwise it is inserted by date.
    public RuleBook With(RuleSet set)
    {
        var kept = _sets.Where(s => s.Version != set.Version && s.EffectiveFrom != set.EffectiveFrom);
        return new RuleBook([.. kept.Append(set).OrderBy(s => s.EffectiveFrom)]);
    }

    public RuleSet? InForceOn(DateOnly date)
    {
        RuleSet? found = null;
        foreach (var s in _sets)
        {
            if (s.EffectiveFrom > date) break;
            found = s;
        }
        return found;
    }

    public RuleSet? Find(RuleSetVersion version) => _sets.FirstOrDefault(s => s.Version == version);
}
