using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Workflows;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Writing;

/// Who may record a fact, beyond the role the endpoint requires: the organisation-wide facts (zones,
/// branches, calendar, rules) are an admin's; a secretary records for their own branches only, judged by
/// the branch the fact concerns on its own date, and (<see cref="Reach"/>) about members in one of their
/// branches now or who left it lately, with organisation changes not dated before the member's latest one;
/// a member may only submit their own suggestions and golden ideas, claims and objections; an appraiser
/// records nothing.
public static class FactAccess
{
    public static ApiProblem? Check(Caller caller, IFact fact, OrganisationSnapshot org)
    {
        if (caller.Role == Role.Admin) return null;
        if (caller.Role == Role.Member)
        {
            return fact switch
            {
                SuggestionSubmitted s when s.Member == caller.Member => null,
                GoldenIdeaSubmitted g when g.Member == caller.Member => null,
                ClaimSubmitted c when c.Member == caller.Member => null,
                ObjectionRaised o when o.Member == caller.Member => null,
                MemberCheckedIn c when c.Member == caller.Member => null,
                LeaveRequested l when l.Member == caller.Member => null,
                _ => Forbidden("member-scope", "党员只能提交本人的建议、金点子、申报、异议、签到和请假。", "A member may only submit their own suggestions, golden ideas, claims, objections, check-ins and leave requests."),
            };
        }
        if (caller.Role != Role.Secretary)
            return Forbidden("role-forbidden", "该角色只能查阅，不能登记。", "This role reads; it records nothing.");

        var branches = BranchesOf(fact, org);
        if (branches is null)
            return Forbidden("admin-only", "此操作仅限管理员（组织、年度与规则由管理员维护）。", "Only an administrator may do this (organisation, calendar and rules).");
        var outside = branches.Where(b => !caller.Branches.Contains(b)).Distinct().ToList();
        if (outside.Count == 0) return null;
        var list = string.Join(", ", outside);
        return Forbidden("branch-scope", $"只能为本人负责的支部登记，{list} 不在其中。", $"A secretary records for their own branches only; {list} is not one of them.");
    }

    /// A secretary's reach over the members a new fact concerns (the domain's <see cref="SecretaryReach"/>):
    /// judged against the organisation now, like <see cref="FactConsistency"/>, so it refuses new facts only
    /// and a retry of a fact recorded while it was allowed still answers with its first result.
    public static ApiProblem? Reach(Caller caller, IFact fact, OrganisationSnapshot org, DateOnly today, int graceDays)
    {
        if (caller.Role != Role.Secretary) return null;
        foreach (var (member, field) in SecretaryReach.MembersOf(fact))
            if (org.Members.TryGetValue(member, out var entry)
                && SecretaryReach.Check(caller.Branches, member, entry.Placement, fact, today, graceDays) is { } refused)
                return refused.ToProblem(field);
        return null;
    }

    /// The branches a fact concerns; null for organisation-wide facts.
    private static IReadOnlyList<BranchId>? BranchesOf(IFact fact, OrganisationSnapshot org)
    {
        BranchId[] Of(MemberId member) => org.Members.TryGetValue(member, out var m) ? [m.BranchOn(fact.OccurredOn)] : [];
        return fact switch
        {
            NetworkZoneRegistered or BranchRegistered or YearClosed or YearReopened or RuleSetPublished => null,
            PartyGroupRegistered g => [g.Branch],
            MemberEnrolled e => [e.Branch],
            MemberTransferred t => [t.FromBranch], // the branch sending the member (转出)
            MemberLeft l => Of(l.Member),
            MemberCategoryChanged c => Of(c.Member),
            MemberStatusChanged s => Of(s.Member),
            MeetingHeld m => [m.Branch],
            SuggestionSubmitted s => [s.Branch],
            GoldenIdeaSubmitted g => [g.Branch],
            SuggestionAssessed s => Of(s.Member),
            GoldenIdeaAwarded g => Of(g.Member),
            GoldenIdeaImplemented g => Of(g.Member),
            VolunteerServiceLogged v => Of(v.Member),
            ManualAdjustment a => Of(a.Member),
            ActivityLogged a => Of(a.Member),
            // A claim is decided by the secretary of the branch it was claimed in; a notice is its branch's.
            ClaimAccepted c => [c.Branch],
            ClaimRejected c => [c.Branch],
            NoticePublished n => [n.Branch],
            ObjectionAnswered a => [a.Branch],
            NoticeFinalised f => [f.Branch],
            // Check-in is run by the meeting's branch.
            CheckInOpened c => [c.Branch],
            LeaveApproved l => [l.Branch],
            AttendanceMarked m => [m.Branch],
            CheckInClosed c => [c.Branch],
            // The branches of the members the revoked fact concerned: a secretary may revoke what they may record.
            FactRevoked r => r.Members.SelectMany(Of).Distinct().ToList() is { Count: > 0 } found ? found : null,
            _ => null,
        };
    }

    private static ApiProblem Forbidden(string code, string zh, string en) => new(StatusCodes.Status403Forbidden, code, zh, en);
}
