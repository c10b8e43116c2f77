using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// The year-end result of one member, with the reasons a person can check (评议依据).
public sealed record AppraisalResult(
    MemberId Member,
    BranchId? Branch,
    decimal FinalScore,
    string Grade,
    string GradeName,
    bool Vanguard,
    IReadOnlyList<string> Reasons);
