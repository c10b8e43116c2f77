using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Organisation;

/// A member's place in the organisation as a secretary's reach over them is judged: the branch they
/// belonged to from each date (in date order, the enrolment first), the day they left the organisation
/// if they did, and the date of their latest organisation change (enrolment, transfer, departure,
/// category or status change).
public sealed record MemberPlacement(IReadOnlyList<(DateOnly From, BranchId Branch)> Spells, DateOnly? LeftOn, DateOnly LatestChangeOn)
{
    /// The index of the spell in force on the date (the first one before the enrolment).
    private int IndexOn(DateOnly date)
    {
        var index = 0;
        for (var i = 1; i < Spells.Count && Spells[i].From <= date; i++) index = i;
        return index;
    }

    /// The branch the member belonged to on the date (their first one before the enrolment).
    public BranchId BranchOn(DateOnly date) => Spells[IndexOn(date)].Branch;

    /// Null while the member is in one of <paramref name="branches"/> on <paramref name="today"/>; otherwise the
    /// day they left the last of them (transferred out, or left the organisation from it), or
    /// <see cref="DateOnly.MinValue"/> when they never were in any.
    public DateOnly? LeftOneOf(IReadOnlySet<BranchId> branches, DateOnly today)
    {
        var departed = LeftOn is { } left && left <= today;
        var at = IndexOn(departed ? LeftOn!.Value : today);
        if (branches.Contains(Spells[at].Branch)) return departed ? LeftOn : null;
        for (var i = at - 1; i >= 0; i--)
            if (branches.Contains(Spells[i].Branch)) return Spells[i + 1].From;
        return DateOnly.MinValue;
    }
}

/// What a branch secretary may record about a member beyond the branch the fact falls in on its own date
/// (issue #16 finding 2.4: a former branch's secretary rewrote a member's history by choosing the date):
///
/// * facts about a member only while the member is in one of the secretary's branches today, or within
///   <c>graceDays</c> of the day they left it (the last meeting, the month's adjustments still to enter);
/// * an organisation change (transfer, departure, category or status change, enrolment of an enrolled
///   member) not dated before the member's latest organisation change, so nobody re-orders a member's
///   history behind the back of the branch they are in now.
///
/// Admins are not limited (they correct the organisation's records); this applies to secretaries only.
/// Pure: today and the grace window arrive as data.
public static class SecretaryReach
{
    /// The default grace window: a month covers one cycle of organisation life (the monthly 主题党日 and
    /// the monthly ranking), so the old branch can finish the month the member left in, and no more.
    public const int DefaultGraceDays = 30;

    public static Refusal? Check(IReadOnlySet<BranchId> branches, MemberId member, MemberPlacement placement, IFact fact, DateOnly today, int graceDays)
    {
        graceDays = Math.Max(0, graceDays);
        if (placement.LeftOneOf(branches, today) is { } left && (left == DateOnly.MinValue || today > left.AddDays(graceDays)))
        {
            var since = left == DateOnly.MinValue ? "" : $"自 {left:yyyy-MM-dd} 起";
            var sinceEn = left == DateOnly.MinValue ? "" : $" since {left:yyyy-MM-dd}";
            return new Refusal(RefusalKind.Forbidden, "former-member",
                $"党员 {member}{since}已不在本人负责的支部（离开后 {graceDays} 天内可补录），只有管理员可以登记其事实。",
                $"Member {member} has not been in any of this secretary's branches{sinceEn} (facts may be added up to {graceDays} days after leaving); only an administrator may record facts about them now.");
        }
        if (IsOrganisationChange(fact) && fact.OccurredOn < placement.LatestChangeOn)
            return new Refusal(RefusalKind.Conflict, "dated-before-latest-change",
                $"党员 {member} 的最近一次组织变动发生于 {placement.LatestChangeOn:yyyy-MM-dd}，新的变动不能早于该日期（{fact.OccurredOn:yyyy-MM-dd}）；如需更正历史，请联系管理员。",
                $"Member {member}'s latest organisation change is dated {placement.LatestChangeOn:yyyy-MM-dd}; a new one cannot be dated before it ({fact.OccurredOn:yyyy-MM-dd}). An administrator corrects history.");
        return null;
    }

    public static bool IsOrganisationChange(IFact fact) =>
        fact is MemberEnrolled or MemberTransferred or MemberLeft or MemberCategoryChanged or MemberStatusChanged;

    /// The members a fact records something about, each with the request field that names them.
    public static IEnumerable<(MemberId Member, string Field)> MembersOf(IFact fact) => fact switch
    {
        MeetingHeld m => m.Attendance.Select((a, i) => (a.Member, $"attendance[{i}].member")),
        FactRevoked r => r.Members.Distinct().Select(m => (m, "target")),
        IMemberEvent e => [(e.Member, "member")],
        SuggestionSubmitted s => [(s.Member, "member")],
        GoldenIdeaSubmitted g => [(g.Member, "member")],
        SuggestionAssessed s => [(s.Member, "member")],
        GoldenIdeaAwarded g => [(g.Member, "member")],
        GoldenIdeaImplemented g => [(g.Member, "member")],
        VolunteerServiceLogged v => [(v.Member, "member")],
        ManualAdjustment a => [(a.Member, "member")],
        ActivityLogged a => [(a.Member, "member")],
        _ => [],
    };
}
