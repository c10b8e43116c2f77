using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Reading;

/// Who may read what (issue #5), for the API and the web pages alike (one rule, #16 finding 2.6): an admin and an appraiser read everything; a secretary reads the
/// branches they are secretary of and the members of those branches; a member reads only their own
/// standing and evidence. A member counts as in a branch if they are in it now or were in it at any time
/// during the year asked about — so the old branch still sees the year of a member who transferred out,
/// and the new branch sees the member at once.
///
/// Unknown members and branches are 404, except for a member asking about anyone but themself, who gets
/// 403 whether the other exists or not, so nothing about other members leaks.
public static class ReadAccess
{
    /// Admins, secretaries and appraisers: branch reports, rankings and warnings are not for members
    /// (the public notice, 公示, is their view of a ranking).
    public static TBuilder RequireStaff<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Secretary, Roles.Appraiser));

    public static TBuilder RequireOrganisationReader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Appraiser));

    public static ApiProblem? Member(Caller caller, MemberId member, int year, OrganisationSnapshot org)
    {
        if (caller.Role == Role.Member)
            return caller.Member == member ? Known(member, org) : Forbidden("member-own-only",
                "党员只能查看本人的积分和台账。", "A member may only read their own standing and evidence.");
        if (Known(member, org) is { } unknown) return unknown;
        if (caller.Role is Role.Admin or Role.Appraiser) return null;
        if (caller.Role == Role.Secretary && BranchesOf(org.Members[member], year).Any(caller.Branches.Contains)) return null;
        return Forbidden("branch-scope", $"只能查看本人负责支部的党员，{member} 在 {year} 年及现在都不在其中。",
            $"A secretary reads members of their own branches only; {member} is in none of them now or in {year}.");
    }

    public static ApiProblem? Branch(Caller caller, BranchId branch, OrganisationSnapshot org)
    {
        if (!org.Branches.ContainsKey(branch))
            return ApiProblem.Field(StatusCodes.Status404NotFound, "branch", "unknown-branch", $"没有支部 {branch}。", $"There is no branch {branch}.");
        if (caller.Role is Role.Admin or Role.Appraiser) return null;
        if (caller.Role == Role.Secretary && caller.Branches.Contains(branch)) return null;
        return Forbidden("branch-scope", $"只能查看本人负责的支部，{branch} 不在其中。", $"A secretary reads their own branches only; {branch} is not one of them.");
    }

    /// A branch's notices (公示), for the API and the ranking page alike: admins and appraisers read every
    /// notice; a secretary their branches'; a member their branch's today (or one that lists them).
    public static bool Notice(Caller caller, OrganisationSnapshot org, BranchId branch, NoticeView? notice, DateOnly today) => caller.Role switch
    {
        Role.Admin or Role.Appraiser => true,
        Role.Secretary => caller.Branches.Contains(branch),
        _ => caller.Member is { } m && (InBranchToday(org, m, branch, today) || notice?.Lines.Any(l => l.Member == m) == true),
    };

    /// A meeting's check-in (签到): admins and appraisers, the branch's secretary, and the members expected at it.
    public static bool CheckIn(Caller caller, BranchId branch, IReadOnlyList<MemberId> expected) => caller.Role switch
    {
        Role.Admin or Role.Appraiser => true,
        Role.Secretary => caller.Branches.Contains(branch),
        _ => caller.Member is { } m && expected.Contains(m),
    };

    public static bool InBranchToday(OrganisationSnapshot org, MemberId member, BranchId branch, DateOnly today) =>
        org.Members.TryGetValue(member, out var entry) && entry.BranchOn(today) == branch;

    /// The branches the member is in now or was in during the year.
    public static IEnumerable<BranchId> BranchesOf(MemberEntry member, int year)
    {
        yield return member.Branch;
        var spells = member.BranchHistory;
        for (var i = 0; i < spells.Count; i++)
        {
            var until = i + 1 < spells.Count ? spells[i + 1].From.AddDays(-1) : DateOnly.MaxValue;
            if (spells[i].From.Year <= year && until >= new DateOnly(year, 1, 1)) yield return spells[i].Branch;
        }
    }

    private static ApiProblem? Known(MemberId member, OrganisationSnapshot org) => org.Members.ContainsKey(member) ? null
        : ApiProblem.Field(StatusCodes.Status404NotFound, "member", "unknown-member", $"没有党员 {member}。", $"There is no member {member}.");

    /// Known to the organisation directory but not yet in the read models, which follow the log a moment behind.
    public static ApiProblem NotYetProjected(string field, string id) => ApiProblem.Field(StatusCodes.Status404NotFound, field, "not-yet-projected",
        $"{id} 已登记，但积分数据尚未生成，请稍后再查。", $"{id} is recorded but not yet visible in the read models; ask again shortly.");

    public static ApiProblem Forbidden(string code, string zh, string en) => new(StatusCodes.Status403Forbidden, code, zh, en);
}
