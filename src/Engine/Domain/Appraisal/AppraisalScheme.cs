using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// Year-end appraisal (年终考核 / 民主评议党员 / 评优评先) as configured in a rule set.
/// Final score = points total × PointsWeight + democratic appraisal (0–100) × AppraisalWeight; with no
/// appraisal share, PointsWeight = 1 and AppraisalWeight = 0.
/// Absences of members in AbsenceExemptCategories (e.g. 流动, 特殊) do not count as unexcused.
public sealed record AppraisalScheme(
    decimal PointsWeight,
    decimal AppraisalWeight,
    IReadOnlyList<GradeBand> Grades,
    IReadOnlyList<Veto> Vetoes,
    VanguardRule? Vanguard,
    IReadOnlyList<MemberCategory> AbsenceExemptCategories);

/// A grade (优秀 / 合格 / 基本合格 / 不合格, or star bands), best first. A member gets the first band
/// whose MinScore the final score reaches, whose conditions all hold and which no veto bars.
public sealed record GradeBand(string Id, string Name, decimal MinScore, IReadOnlyList<MetricCondition> Requires);

/// 一票否决: when the condition holds, the grade Bars and every better grade are out of reach.
public sealed record Veto(string Id, string Name, MetricCondition When, string Bars);

/// Vanguard post (先锋示范岗): among members whose grade is one of EligibleGrades, the top TopPercent
/// by final score (rounded up, at least one; ties at the cut-off all in) and/or everyone at or above MinScore.
/// TopPercentOf says of whom the top N % is taken: the whole branch (the default, as rule sets before #21 meant)
/// or only the members whose grade is eligible.
public sealed record VanguardRule(decimal? TopPercent, decimal? MinScore, bool RequireBoth, IReadOnlyList<string> EligibleGrades,
    VanguardPool TopPercentOf = VanguardPool.Branch);

/// Of whom a vanguard rule's top N % is taken (the rule set's appraisal.vanguard.topPercentOf).
public enum VanguardPool
{
    Branch,     // "branch": every member of the branch counts and is ranked (the default)
    Eligible,   // "eligible": only the members whose grade is in EligibleGrades
}

public enum StandingMetric
{
    Total,              // points total for the year (base + awards)
    FinalScore,         // weighted with the democratic appraisal
    UnexcusedAbsences,  // 无故缺席
    Excused,
    Late,
    MeetingsAttended,
    AttendanceRate,     // attended (present or late) / meetings on the member's lists, 0–1
    Deductions,         // sum of deductions granted, as a positive number
    DemocraticAppraisal,
    Probationary,       // 1 for a probationary member, 0 otherwise
}

public sealed record MetricCondition(StandingMetric Metric, decimal? AtLeast, decimal? AtMost)
{
    public bool HoldsFor(decimal value) =>
        (AtLeast is not { } lo || value >= lo) && (AtMost is not { } hi || value <= hi);

    public override string ToString() =>
        $"{Metric}{(AtLeast is { } lo ? $" ≥ {lo}" : "")}{(AtMost is { } hi ? $" ≤ {hi}" : "")}";
}
