using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

/// Completeness bonus (全勤奖): in each period, a member on the attendance list of at least
/// MinMeetings meetings of the listed kinds, with a Counted status at every one of them, gets Points.
/// Dated on the period's last day. It is awarded as soon as the condition holds and reverted if a
/// later-recorded meeting breaks it, so it is provisional until the period ends.
public sealed record PeriodBonus(
    RuleId Id,
    string Name,
    string Category,
    PeriodKind Period,
    MeetingKind[] MeetingKinds,
    AttendanceStatus[] Counted,
    int MinMeetings,
    Points Points,
    MemberCategory[] ExemptCategories);
