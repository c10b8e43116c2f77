using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// The year-end result of one member, with the reasons a person can check (评议依据). Rank is the member's place
/// among the RankedAmong members of their branch by final score, ties sharing a place (1-2-2-4): the place the
/// summary shows and the reasons print.
public sealed record AppraisalResult(
    MemberId Member,
    BranchId? Branch,
    decimal FinalScore,
    string Grade,
    string GradeName,
    bool Vanguard,
    IReadOnlyList<string> Reasons,
    int Rank = 1,
    int RankedAmong = 1)
{
    /// The reasons as one text, as the summary of the web report, the workbook and the CSV print them (#21).
    public string ReasonText => string.Join("；", Reasons);
}
