using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

public enum PointsBasis
{
    Fixed,       // Amount for each matching fact (negative = deduction, 扣分)
    PerUnit,     // Amount per unit (volunteer hour), at most MaxUnitsPerFact, then Rounding
    LevelTable,  // Levels[assessment or award level]
    AsRecorded,  // the points written on a manual adjustment (加分/扣分)
    Bands,       // Bands of a number field of a declared activity (7–30 days → +2, ≥ 60 → +3; #22)
}

/// One scoring rule: which member facts it matches and how many points it requests. Every matching
/// rule of the rule set in force applies, each as its own award line (fact/rule).
public sealed record Rule(
    RuleId Id,
    string Name,
    string Category,
    FactKind Fact,
    RuleConditions When,
    PointsBasis Basis,
    Points Amount,
    IReadOnlyDictionary<string, Points>? Levels,
    decimal? MaxUnitsPerFact,
    Rounding Rounding,
    IReadOnlyList<Cap> Caps,
    IReadOnlyDictionary<MemberCategory, Points>? CategoryAmounts)
{
    /// For fact Activity (#22): the declared kind the rule scores.
    public string? Activity { get; init; }

    /// For a declared kind's per-unit, level and band rules: the field read (a number, or a level).
    public string? Field { get; init; }

    /// For PointsBasis.Bands: the first band holding the number gives the points; none, no line.
    public IReadOnlyList<Band>? Bands { get; init; }

    public static Rule Fixed(string id, string category, FactKind fact, Points amount, RuleConditions? when = null, params Cap[] caps) =>
        new(new RuleId(id), id, category, fact, when ?? RuleConditions.Always, PointsBasis.Fixed, amount, null, null, Rounding.Cents, caps, null);
}

/// Conditions on the fact and on the member on the fact's date; a null list means "any".
public sealed record RuleConditions(
    MeetingKind[]? MeetingKinds = null,
    MeetingMode[]? Modes = null,
    AttendanceStatus[]? Attendance = null,
    MemberStatus[]? MemberStatuses = null,
    MemberCategory[]? MemberCategories = null,
    MemberCategory[]? ExemptCategories = null,
    string[]? Flags = null) // a declared activity's yes/no fields that must be set (a bonus such as 获市级奖励 +3; #22)
{
    public static readonly RuleConditions Always = new();
}
