using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// A member's year in numbers, the input of the year-end appraisal. Projections can build it too;
/// Of derives it from the member's state so the two can be checked against each other.
public sealed record Standing(
    MemberId Member,
    BranchId? Branch,
    int Year,
    MemberStatus Status,
    MemberCategory Category,
    Points Total,
    Points Deductions,
    int MeetingsListed,
    int MeetingsAttended,
    int Excused,
    int Late,
    int UnexcusedAbsences,
    decimal? DemocraticAppraisal)
{
    public static Standing Of(MemberState state, int year, IReadOnlyCollection<MemberCategory>? absenceExempt = null, decimal? democraticAppraisal = null)
    {
        int listed = 0, attended = 0, excused = 0, late = 0, absent = 0;
        foreach (var fact in state.FactsIn(year))
        {
            if (fact is not AttendanceRecorded a || !state.IsActive(fact)) continue;
            listed++;
            switch (a.Status)
            {
                case AttendanceStatus.Present: attended++; break;
                case AttendanceStatus.Late: attended++; late++; break;
                case AttendanceStatus.Excused: excused++; break;
                case AttendanceStatus.Absent:
                    if (absenceExempt is null || !absenceExempt.Contains(state.Profile.On(a.OccurredOn, state.Revoked).Category)) absent++;
                    break;
            }
        }
        var yearEnd = state.Profile.On(new DateOnly(year, 12, 31), state.Revoked);
        var deductions = -state.LedgerIn(year).Values.Where(l => l.Granted.IsNegative).Sum(l => l.Granted.Value);
        return new Standing(state.Member, yearEnd.Branch, year, yearEnd.Status, yearEnd.Category, state.TotalIn(year), new Points(deductions),
            listed, attended, excused, late, absent, democraticAppraisal);
    }

    public decimal Metric(StandingMetric metric, decimal finalScore) => metric switch
    {
        StandingMetric.Total => Total.Value,
        StandingMetric.FinalScore => finalScore,
        StandingMetric.UnexcusedAbsences => UnexcusedAbsences,
        StandingMetric.Excused => Excused,
        StandingMetric.Late => Late,
        StandingMetric.MeetingsAttended => MeetingsAttended,
        StandingMetric.AttendanceRate => MeetingsListed == 0 ? 1m : decimal.Round((decimal)MeetingsAttended / MeetingsListed, 4),
        StandingMetric.Deductions => Deductions.Value,
        StandingMetric.DemocraticAppraisal => DemocraticAppraisal ?? 0m,
        StandingMetric.Probationary => Status == MemberStatus.Probationary ? 1m : 0m,
        _ => 0m,
    };
}
