using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using C = PointsEngine.Api.Importing.RosterColumns;

namespace PointsEngine.Api.Importing;

public sealed partial class ImportPlanner
{
    private static readonly Dictionary<string, MemberStatus> StatusAliases = new(StringComparer.Ordinal)
    {
        ["正式"] = MemberStatus.Full, ["预备"] = MemberStatus.Probationary,
    };

    /// A roster row: the member's enrolment, with the zone, branch and party group it names registered first
    /// if they are new. A member already enrolled as the row says is "already recorded"; enrolled otherwise,
    /// the row is refused (transfers and departures are facts of their own, recorded through the API).
    private void PlanRoster(LedgerRow row, ImportPlan plan)
    {
        var r = new RowReader(row);
        r.CheckMerges();
        var member = r.Id<MemberId>(C.MemberId);
        var name = r.Text(C.Name, max: 50);
        var branch = r.Id<BranchId>(C.Branch);
        var branchName = r.Text(C.BranchName, required: false, max: 100);
        var group = r.Id<PartyGroupId>(C.Group, required: false);
        var groupName = r.Text(C.GroupName, required: false, max: 100);
        var zone = r.Id<NetworkZoneId>(C.Zone, required: false);
        var zoneName = r.Text(C.ZoneName, required: false, max: 100);
        var status = r.Enum(C.Status, required: false, StatusAliases) ?? MemberStatus.Full;
        var category = r.Enum<MemberCategory>(C.Category, required: false) ?? MemberCategory.Regular;
        var date = r.Date(C.Date);
        if (date is { } d && d > today.AddDays(1))
            r.Problem(C.Date, "future-date", $"登记日期 {d:yyyy-MM-dd} 晚于今天", $"the enrolment date {d:yyyy-MM-dd} is in the future");
        if (r.Any)
        {
            plan.Reject(row, r.Problems);
            return;
        }
        var (m, b, on) = (member!.Value, branch!.Value, date!.Value);

        var facts = new List<IFact>();
        if (zone is { } z)
        {
            if (!_org.Zones.TryGetValue(z, out var knownZone))
                facts.Add(new NetworkZoneRegistered(ImportIds.For("zone", z.Value), on, z, zoneName ?? z.Value));
            else if (zoneName is not null && knownZone != zoneName)
                r.Problem(C.ZoneName, "zone-name-differs", $"网络区 {z} 已登记为“{knownZone}”", $"network zone {z} is registered as '{knownZone}'");
        }
        if (!_org.Branches.TryGetValue(b, out var knownBranch))
            facts.Add(new BranchRegistered(ImportIds.For("branch", b.Value), on, b, branchName ?? b.Value, zone));
        else
        {
            if (branchName is not null && knownBranch.Name != branchName)
                r.Problem(C.BranchName, "branch-name-differs", $"支部 {b} 已登记为“{knownBranch.Name}”", $"branch {b} is registered as '{knownBranch.Name}'");
            if (zone is not null && knownBranch.Zone != zone)
                r.Problem(C.Zone, "branch-zone-differs", $"支部 {b} 已登记在网络区 {knownBranch.Zone?.Value ?? "（无）"}", $"branch {b} is registered in network zone {knownBranch.Zone?.Value ?? "(none)"}");
        }
        if (group is { } g)
        {
            if (!_org.Groups.TryGetValue(g, out var knownGroup))
                facts.Add(new PartyGroupRegistered(ImportIds.For("group", g.Value), on, g, b, groupName ?? g.Value));
            else if (groupName is not null && knownGroup.Name != groupName)
                r.Problem(C.GroupName, "group-name-differs", $"党小组 {g} 已登记为“{knownGroup.Name}”", $"party group {g} is registered as '{knownGroup.Name}'");
        }

        if (_org.Members.TryGetValue(m, out var known))
        {
            if (known.Name != name || known.Branch != b || (group is not null && known.Group != group))
                r.Problem(C.MemberId, "member-differs",
                    $"党员 {m} 已登记为 {known.Name}（支部 {known.Branch}{(known.Group is { } kg ? "，党小组 " + kg : "")}）；调动、离开等变更请通过 API 登记",
                    $"member {m} is enrolled as {known.Name} (branch {known.Branch}{(known.Group is { } eg ? ", group " + eg : "")}); record transfers and departures through the API");
            if (r.Any) plan.Reject(row, r.Problems);
            else plan.AlreadyRecorded++;
            return;
        }
        facts.Add(new MemberEnrolled(ImportIds.For("enrol", m.Value), on, m, name!, b, group, status, category));

        var org = _org;
        foreach (var fact in facts)
        {
            Check(r, fact, org, (field, _) => field switch
            {
                "member" => C.MemberId,
                "branch" => C.Branch,
                "group" => C.Group,
                "zone" => C.Zone,
                "occurredOn" => C.Date,
                _ => null,
            });
            org = Apply(org, fact);
        }
        if (r.Any)
        {
            plan.Reject(row, r.Problems);
            return;
        }
        _org = org;
        plan.Organisation.Add(new WriteUnit([row], FactStreams.Organisation, facts));
    }
}
