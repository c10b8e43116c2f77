using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Writing;

/// Checks a fact against the organisation before it is recorded: references that must exist (404),
/// things that must not exist yet or states that forbid it (409: an enrolled member, a closed year, a
/// member who left), and references that exist but do not fit (400: an attendee of another branch).
/// Facts are never edited once logged, so everything wrong is reported at once, before anything is written.
public static class FactConsistency
{
    private sealed class Findings
    {
        private readonly Dictionary<string, List<FieldError>> _errors = new(StringComparer.Ordinal);
        private int _status;

        public void Add(int status, string field, string code, string zh, string en)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(new FieldError(code, zh, en));
            // An unknown reference says most about what to fix, then a conflicting state, then the rest.
            if (Rank(status) > Rank(_status)) _status = status;
        }

        private static int Rank(int status) => status switch { 404 => 3, 409 => 2, 400 => 1, _ => 0 };

        public ApiProblem? ToProblem()
        {
            if (_errors.Count == 0) return null;
            var count = _errors.Values.Sum(l => l.Count);
            var first = _errors.Values.First()[0];
            var (zh, en) = count == 1 ? (first.Zh, first.En) : ($"请求有 {count} 处错误，见 errors。", $"The request has {count} problems; see errors.");
            return new ApiProblem(_status, count == 1 ? first.Code : "invalid-references", zh, en,
                _errors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<FieldError>)kv.Value, StringComparer.Ordinal));
        }
    }

    /// A fact may be dated at most this far ahead of the server's date (time zones, a meeting recorded
    /// the evening before): anything later is a typing mistake, not a record of what happened.
    public const int DaysAheadAllowed = 1;

    public static ApiProblem? Check(IFact fact, OrganisationSnapshot org, DateOnly today)
    {
        var f = new Findings();
        switch (fact)
        {
            case NetworkZoneRegistered z:
                if (org.Zones.ContainsKey(z.Zone)) f.Add(409, "zone", "zone-exists", $"网络区 {z.Zone} 已登记。", $"Network zone {z.Zone} is already registered.");
                break;
            case BranchRegistered b:
                if (org.Branches.ContainsKey(b.Branch)) f.Add(409, "branch", "branch-exists", $"支部 {b.Branch} 已登记。", $"Branch {b.Branch} is already registered.");
                if (b.Zone is { } zone && !org.Zones.ContainsKey(zone)) UnknownZone(f, "zone", zone);
                break;
            case PartyGroupRegistered g:
                if (org.Groups.ContainsKey(g.Group)) f.Add(409, "group", "group-exists", $"党小组 {g.Group} 已登记。", $"Party group {g.Group} is already registered.");
                if (!org.Branches.ContainsKey(g.Branch)) UnknownBranch(f, "branch", g.Branch);
                break;
            case MemberEnrolled e:
                if (org.Members.ContainsKey(e.Member)) f.Add(409, "member", "member-exists", $"党员 {e.Member} 已登记。", $"Member {e.Member} is already enrolled.");
                if (!org.Branches.ContainsKey(e.Branch)) UnknownBranch(f, "branch", e.Branch);
                GroupOf(f, org, "group", e.Group, e.Branch);
                break;
            case MemberTransferred t:
                Active(f, org, "member", t.Member, t.OccurredOn);
                if (!org.Branches.ContainsKey(t.ToBranch)) UnknownBranch(f, "toBranch", t.ToBranch);
                GroupOf(f, org, "toGroup", t.ToGroup, t.ToBranch);
                if (t.ToBranch == t.FromBranch && org.Members.TryGetValue(t.Member, out var moving) && moving.Group == t.ToGroup)
                    f.Add(400, "toBranch", "same-place", $"党员 {t.Member} 已在该支部和党小组。", $"Member {t.Member} is already in that branch and group.");
                break;
            case MemberLeft l:
                Active(f, org, "member", l.Member, l.OccurredOn, leavingNow: true);
                break;
            case MemberCategoryChanged c:
                Active(f, org, "member", c.Member, c.OccurredOn);
                break;
            case MemberStatusChanged s:
                Active(f, org, "member", s.Member, s.OccurredOn);
                break;
            // #18: who keeps a branch is the organisation's fact, decided by the domain's rules.
            case BranchSecretaryAppointed a: Office(f, org, fact, a.Branch, a.Member); break;
            case BranchSecretaryRelieved r: Office(f, org, fact, r.Branch, r.Member); break;
            case MeetingHeld m:
                if (!org.Branches.ContainsKey(m.Branch)) UnknownBranch(f, "branch", m.Branch);
                GroupOf(f, org, "group", m.Group, m.Branch);
                for (var i = 0; i < m.Attendance.Count; i++)
                {
                    var field = $"attendance[{i}].member";
                    var id = m.Attendance[i].Member;
                    if (!org.Members.TryGetValue(id, out var member)) { UnknownMember(f, field, id); continue; }
                    if (member.BranchOn(m.OccurredOn) != m.Branch)
                        f.Add(400, field, "member-not-in-branch",
                            $"党员 {id} 在 {m.OccurredOn:yyyy-MM-dd} 属于支部 {member.BranchOn(m.OccurredOn)}，不属于 {m.Branch}。",
                            $"Member {id} belonged to branch {member.BranchOn(m.OccurredOn)} on {m.OccurredOn:yyyy-MM-dd}, not {m.Branch}.");
                    else if (member.HasLeftBy(m.OccurredOn)) Left(f, field, member);
                    else if (m.Group is { } group && member.Group != group)
                        // #20 problem 3: a party-group meeting scores its own group only (d010 of g2 got +3 and a
                        // full-attendance bonus from g1's meeting). The member's group today is what the
                        // organisation knows; a member who changed group since is recorded in the new one.
                        f.Add(400, field, "member-not-in-group",
                            $"党员 {member.Name}（{id}）属于{GroupName(org, member.Group)}，不属于本次会议的{GroupName(org, group)}。",
                            $"Member {id} belongs to {(member.Group is { } own ? $"party group {own}" : "no party group")}, not to the meeting's party group {group}.");
                }
                break;
            case SuggestionSubmitted s: Active(f, org, "member", s.Member, s.OccurredOn); break;
            case GoldenIdeaSubmitted g: Active(f, org, "member", g.Member, g.OccurredOn); break;
            case SuggestionAssessed s: Active(f, org, "member", s.Member, s.OccurredOn); break;
            case GoldenIdeaAwarded g: Active(f, org, "member", g.Member, g.OccurredOn); break;
            case GoldenIdeaImplemented g: Active(f, org, "member", g.Member, g.OccurredOn); break;
            case VolunteerServiceLogged v: Active(f, org, "member", v.Member, v.OccurredOn); break;
            case ManualAdjustment a: Active(f, org, "member", a.Member, a.OccurredOn); break;
            case ActivityLogged a: Active(f, org, "member", a.Member, a.OccurredOn); break;
            case ClaimSubmitted c: Active(f, org, "member", c.Member, c.OccurredOn); break;
            case YearClosed y when org.Calendar.IsClosed(y.Year):
                f.Add(409, "year", "year-already-closed", $"{y.Year} 年度已经关闭。", $"The year {y.Year} is already closed.");
                break;
            case YearReopened y when !org.Calendar.IsClosed(y.Year):
                f.Add(409, "year", "year-not-closed", $"{y.Year} 年度未关闭，无需重新开放。", $"The year {y.Year} is not closed.");
                break;
        }
        // Every record but a rule set (published ahead of the date it takes effect) tells what happened:
        // a departure or year-end closing dated in 2961 is a typing mistake too (issue #8 item 3).
        if (fact is not RuleSetPublished && fact.OccurredOn > today.AddDays(DaysAheadAllowed))
            f.Add(400, "occurredOn", "future-date", $"发生日期 {fact.OccurredOn:yyyy-MM-dd} 晚于今天，只能登记已经发生的事。",
                $"The date {fact.OccurredOn:yyyy-MM-dd} is in the future; only what has happened can be recorded.");
        if (IsInCalendar(fact) && org.Calendar.Check(fact.FactId, fact.OccurredOn) is { } closed)
            f.Add(409, "occurredOn", closed.Code, closed.Chinese, closed.English);
        return f.ToProblem();
    }

    /// Facts a closed year refuses: everything but the organisation's own records, the calendar and rules.
    private static bool IsInCalendar(IFact fact) =>
        fact is MeetingHeld or SuggestionSubmitted or SuggestionAssessed or GoldenIdeaSubmitted or GoldenIdeaAwarded
            or GoldenIdeaImplemented or VolunteerServiceLogged or ManualAdjustment or ActivityLogged or FactRevoked or ClaimSubmitted;

    private static void Active(Findings f, OrganisationSnapshot org, string field, MemberId id, DateOnly on, bool leavingNow = false)
    {
        if (!org.Members.TryGetValue(id, out var member)) UnknownMember(f, field, id);
        else if (leavingNow ? member.LeftOn is not null : member.HasLeftBy(on)) Left(f, field, member);
    }

    private static void Office(Findings f, OrganisationSnapshot org, IFact fact, BranchId branch, MemberId member)
    {
        if (!org.Branches.ContainsKey(branch)) UnknownBranch(f, "branch", branch);
        else if (!org.Members.TryGetValue(member, out var entry)) UnknownMember(f, "member", member);
        else if (org.Secretaries.Check(fact, entry.Placement) is { } refused)
            f.Add(refused.Kind switch { RefusalKind.NotFound => 404, RefusalKind.Conflict => 409, _ => 400 }, "member", refused.Code, refused.Chinese, refused.English);
    }

    private static string GroupName(OrganisationSnapshot org, PartyGroupId? group) =>
        group is not { } g ? "未分党小组" : org.Groups.TryGetValue(g, out var entry) ? $"党小组「{entry.Name}」（{g}）" : $"党小组 {g}";

    private static void GroupOf(Findings f, OrganisationSnapshot org, string field, PartyGroupId? id, BranchId branch)
    {
        if (id is not { } group) return;
        if (!org.Groups.TryGetValue(group, out var entry))
            f.Add(404, field, "unknown-group", $"党小组 {group} 不存在。", $"Party group {group} is not registered.");
        else if (entry.Branch != branch)
            f.Add(400, field, "group-not-in-branch", $"党小组 {group} 属于支部 {entry.Branch}，不属于 {branch}。", $"Party group {group} belongs to branch {entry.Branch}, not {branch}.");
    }

    public static ApiProblem UnknownMember(string field, MemberId id) =>
        ApiProblem.Field(StatusCodes.Status404NotFound, field, "unknown-member", $"党员 {id} 不存在。", $"Member {id} is not enrolled.");

    public static ApiProblem UnknownFact(string field, FactId id, string kind = "事实", string kindEn = "fact") =>
        ApiProblem.Field(StatusCodes.Status404NotFound, field, "unknown-fact", $"{kind} {id} 不存在。", $"No {kindEn} {id} is recorded.");

    private static void Left(Findings f, string field, MemberEntry member) =>
        f.Add(409, field, "member-left", $"党员 {member.Id} 已于 {member.LeftOn:yyyy-MM-dd} 离开组织。", $"Member {member.Id} left on {member.LeftOn:yyyy-MM-dd}.");

    private static void UnknownMember(Findings f, string field, MemberId id) =>
        f.Add(404, field, "unknown-member", $"党员 {id} 不存在。", $"Member {id} is not enrolled.");

    private static void UnknownBranch(Findings f, string field, BranchId id) =>
        f.Add(404, field, "unknown-branch", $"支部 {id} 不存在。", $"Branch {id} is not registered.");

    private static void UnknownZone(Findings f, string field, NetworkZoneId id) =>
        f.Add(404, field, "unknown-zone", $"网络区 {id} 不存在。", $"Network zone {id} is not registered.");
}
