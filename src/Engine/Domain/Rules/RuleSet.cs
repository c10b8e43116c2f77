using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

/// A versioned rule set, in force from EffectiveFrom until the next one's EffectiveFrom.
/// The yearly base score (基础分) and all caps reset each calendar year.
public sealed record RuleSet(
    RuleSetVersion Version,
    DateOnly EffectiveFrom,
    string Name,
    Points BaseScore,
    IReadOnlyList<Cap> TotalCaps,
    IReadOnlyList<ScoringCategory> Categories,
    IReadOnlyList<Rule> Rules,
    IReadOnlyList<PeriodBonus> Bonuses,
    AppraisalScheme? Appraisal)
{
    /// The activity kinds the set declares beyond the four built-ins (#22).
    public IReadOnlyList<ActivityKind> Kinds { get; init; } = [];

    public ActivityKind? KindOf(string id)
    {
        for (var i = 0; i < Kinds.Count; i++)
            if (Kinds[i].Id == id) return Kinds[i];
        return null;
    }

    public ScoringCategory? CategoryOf(string id)
    {
        // A handful of categories: a scan beats a dictionary and keeps the record a plain value. Indexed, as
        // foreach over the interface would allocate an enumerator per call (once per decision; issue #7).
        for (var i = 0; i < Categories.Count; i++)
            if (Categories[i].Id == id) return Categories[i];
        return null;
    }
}
