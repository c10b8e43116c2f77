using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Projections.Simulation;

/// What publishing a draft rule set now would do to one year: every member's total before and after, and
/// the rankings (per branch and for the whole organisation) before and after. Nothing was written to
/// produce it. <see cref="ReadUpTo"/> is the log position the simulation read: facts recorded later, and
/// facts recorded but not yet scored by then, are in neither column.
public sealed record SimulationResult(
    int Year,
    RuleSetVersion DraftVersion,
    DateOnly EffectiveFrom,
    long ReadUpTo,
    int MembersChanged,
    IReadOnlyList<SimulatedMember> Members,
    IReadOnlyList<SimulatedRanking> Rankings)
{
    /// Members whose year-end grade the draft would change (#20: highlighted in the preview).
    public int GradesChanged { get; init; }
}

/// A member's year total as recorded now and as the draft would make it, with the difference per category.
public sealed record SimulatedMember(
    MemberId Member,
    string? Name,
    BranchId? Branch,
    decimal Current,
    decimal Simulated,
    decimal Change,
    IReadOnlyList<SimulatedCategory> ByCategory)
{
    /// The year-end grade (its name) under the scheme in force on 31 December now and with the draft; null without one.
    public string? CurrentGrade { get; init; }

    public string? SimulatedGrade { get; init; }

    public bool GradeChanged => CurrentGrade != SimulatedGrade;
}

public sealed record SimulatedCategory(string Category, decimal Current, decimal Simulated, decimal Change);

/// One ranking (a branch, or the whole organisation) for the year, as now and under the draft. Ranks are
/// standard competition ranks as in <see cref="ReadModels"/>; RankChange is positive when the member moves up.
public sealed record SimulatedRanking(RankingScope Scope, string? ScopeId, string? Name, IReadOnlyList<SimulatedRankingRow> Rows);

public sealed record SimulatedRankingRow(
    MemberId Member,
    string? Name,
    decimal CurrentPoints,
    int CurrentRank,
    decimal SimulatedPoints,
    int SimulatedRank,
    int RankChange);
