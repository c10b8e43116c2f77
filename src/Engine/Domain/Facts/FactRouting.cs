using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;

namespace PointsEngine.Domain.Facts;

/// Which members a recorded fact concerns, and each member's view of it: a pure function of the fact
/// alone, so the dispatcher needs no lookups. A 40-member meeting becomes 40 ScoreFact commands; every
/// member on the list gets the meeting whatever their status, because completeness bonuses need every
/// meeting of the branch in the period.
///
/// Organisation-wide facts route to no member: the host evolves the OrganisationCalendar with
/// YearClosed/YearReopened, the RuleBook with RuleSetPublished (then sends ApplyRuleBook to the members),
/// and registrations and submissions feed projections only (points come from assessments and awards).
public static class FactRouting
{
    public static IReadOnlyList<MemberCommand> Route(IFact fact) => fact switch
    {
        MeetingHeld m => Attendance(m),
        SuggestionAssessed s => [new ScoreFact(new SuggestionAssessmentRecorded(s.FactId, s.OccurredOn, s.Member, s.Suggestion, s.Level))],
        GoldenIdeaAwarded g => [new ScoreFact(new GoldenIdeaAwardRecorded(g.FactId, g.OccurredOn, g.Member, g.Idea, g.Level))],
        GoldenIdeaImplemented i => [new ScoreFact(new GoldenIdeaImplementationRecorded(i.FactId, i.OccurredOn, i.Member, i.Idea))],
        VolunteerServiceLogged v => [new ScoreFact(new VolunteerServiceRecorded(v.FactId, v.OccurredOn, v.Member, v.Hours, v.Activity))],
        ActivityLogged a => [new ScoreFact(new ActivityRecorded(a.FactId, a.OccurredOn, a.Member, a.Kind, a.DeclaredIn, a.Values))],
        ManualAdjustment a => [new ScoreFact(new AdjustmentRecorded(a.FactId, a.OccurredOn, a.Member, a.Points, a.Reason, a.Approver))],
        FactRevoked r => [.. r.Members.Distinct().Select(m => new RevokeFact(new RevocationRecorded(r.FactId, r.OccurredOn, m, r.Target, r.Reason)))],
        MemberEnrolled or MemberTransferred or MemberLeft or MemberCategoryChanged or MemberStatusChanged => [new RecordMembership((IMemberEvent)fact)],
        _ => [],
    };

    private static List<MemberCommand> Attendance(MeetingHeld meeting)
    {
        // A member listed twice is a recording mistake; the first entry counts (the API rejects it earlier).
        var commands = new List<MemberCommand>(meeting.Attendance.Count);
        var seen = new HashSet<Values.MemberId>();
        foreach (var entry in meeting.Attendance)
        {
            if (!seen.Add(entry.Member)) continue;
            commands.Add(new ScoreFact(new AttendanceRecorded(
                meeting.FactId, meeting.OccurredOn, entry.Member, meeting.Branch, meeting.Kind, meeting.Mode, entry.Status)));
        }
        return commands;
    }
}
